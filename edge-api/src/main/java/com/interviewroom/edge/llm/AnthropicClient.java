package com.interviewroom.edge.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.buffer.Buffer;

/**
 * The Anthropic Messages API with one forced tool: the model must answer by "calling" the tool, so
 * its output is the tool's input object, shaped by our JSON schema. Retries are the caller's choice;
 * this class only classifies failures ({@link LlmException}).
 */
public final class AnthropicClient {
  public static final String VERSION = "2023-06-01";
  /** The longest a {@code retry-after} is honoured before the next attempt. */
  public static final long MAX_RETRY_WAIT_MS = 20_000;
  /** The wait before a retry when the reply named none. */
  public static final long DEFAULT_RETRY_WAIT_MS = 500;

  private final Vertx vertx;
  private final WebClient client;
  private final String baseUrl;
  private final String apiKey;

  public AnthropicClient(Vertx vertx, String baseUrl, String apiKey) {
    this.vertx = vertx;
    // model calls last seconds: the default pool of 5 connections would queue concurrent evaluations
    this.client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(64));
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.apiKey = apiKey;
  }

  /** One forced-tool request: model, prompt, the tool's name/description/input schema. */
  public record ToolRequest(String model, int maxTokens, String system, String user,
                            String toolName, String toolDescription, JsonObject inputSchema, long timeoutMs) {
    JsonObject body() {
      return new JsonObject()
          .put("model", model)
          .put("max_tokens", maxTokens)
          .put("temperature", 0)
          .put("system", system)
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", user)))
          .put("tools", new JsonArray().add(new JsonObject()
              .put("name", toolName).put("description", toolDescription).put("input_schema", inputSchema)))
          .put("tool_choice", new JsonObject().put("type", "tool").put("name", toolName));
    }
  }

  /**
   * The forced tool's input, or an {@link LlmException}. A 200 whose body is not JSON is
   * "malformed_response", one without the tool call (text only, or cut off at {@code max_tokens})
   * "no_tool_use" with the {@code stop_reason} in the message; both have status 200 ({@link LlmException#malformedReply()}).
   */
  public Future<JsonObject> callTool(ToolRequest request) {
    return client.postAbs(baseUrl + "/v1/messages")
        .timeout(request.timeoutMs())
        .putHeader("x-api-key", apiKey)
        .putHeader("anthropic-version", VERSION)
        .putHeader("content-type", "application/json")
        .sendJsonObject(request.body())
        .recover(failure -> Future.failedFuture(new LlmException(0, "transport", failure.getClass().getSimpleName(), 0)))
        .compose(response -> response.statusCode() == 200
            ? toolInput(response, request.toolName())
            : Future.failedFuture(error(response)));
  }

  /** Waits {@code retry-after} (capped), or an exponential default, before the next attempt. */
  public <T> Future<T> withRetries(int retries, java.util.function.Supplier<Future<T>> call) {
    return call.get().recover(failure -> {
      if (retries <= 0 || !(failure instanceof LlmException e) || !e.retryable()) {
        return Future.failedFuture(failure);
      }
      long delay = e.retryAfterMs() > 0 ? Math.min(e.retryAfterMs(), MAX_RETRY_WAIT_MS) : DEFAULT_RETRY_WAIT_MS;
      return vertx.timer(delay).compose(ignored -> withRetries(retries - 1, call));
    });
  }

  private static Future<JsonObject> toolInput(HttpResponse<Buffer> response, String toolName) {
    JsonObject body;
    try {
      body = response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return Future.failedFuture(new LlmException(200, "malformed_response", "body is not JSON", 0));
    }
    for (Object block : body.getJsonArray("content", new JsonArray())) {
      if (block instanceof JsonObject b && "tool_use".equals(b.getString("type"))
          && toolName.equals(b.getString("name")) && b.getValue("input") instanceof JsonObject input) {
        return Future.succeededFuture(input);
      }
    }
    return Future.failedFuture(new LlmException(200, "no_tool_use",
        "the reply holds no " + toolName + " call (stop_reason " + body.getValue("stop_reason") + ")", 0));
  }

  private static LlmException error(HttpResponse<Buffer> response) {
    String type = "http_" + response.statusCode();
    String message = "";
    try {
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      if (error != null) {
        type = error.getString("type", type);
        message = error.getString("message", "");
      }
    } catch (RuntimeException ignored) {
      // a non-JSON error body (a proxy's HTML page): the status alone classifies it
    }
    return new LlmException(response.statusCode(), type, message, retryAfterMs(response.getHeader("retry-after")));
  }

  private static long retryAfterMs(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return (long) (Double.parseDouble(header.trim()) * 1000);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
