package com.interviewroom.edge.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The Anthropic Messages API with one forced tool: the model must answer by "calling" the tool, so
 * its output is the tool's input object, shaped by our JSON schema. Retries are the caller's choice
 * ({@link #withRetries}); failures are classified as the official SDK does ({@link LlmException}).
 * {@code temperature} is sent only to models that accept it ({@link #acceptsTemperature}).
 */
public final class AnthropicClient {
  public static final String VERSION = "2023-06-01";

  /** The longest a {@code retry-after} is honoured before the next attempt. */
  public static final long MAX_RETRY_WAIT_MS = 20_000;

  /**
   * The first wait before a retry when the reply named none; it doubles per retry up to {@link
   * #MAX_BACKOFF_MS} (the SDK's 0.5 s and 8 s).
   */
  public static final long DEFAULT_RETRY_WAIT_MS = 500;

  public static final long MAX_BACKOFF_MS = 8_000;

  /**
   * Models that still take sampling parameters: Claude 3 and older, and the 4.x line up to 4.6.
   * From Opus 4.7 on (Sonnet 5, Opus 5, ...) {@code temperature} is a 400 ("deprecated for this
   * model"), and an unknown (newer) id is treated the same way, so a new model works on day one.
   */
  private static final java.util.regex.Pattern SAMPLING_MODELS =
      java.util.regex.Pattern.compile(
          "claude-(instant-.*|2(\\..*)?|3-.*|(opus|sonnet|haiku)-4(-[0-6])?(-\\d{8}|-latest)?)");

  private final Vertx vertx;
  private final WebClient client;
  private final String baseUrl;
  private final String apiKey;

  public AnthropicClient(Vertx vertx, String baseUrl, String apiKey) {
    this.vertx = vertx;
    // model calls last seconds: the default pool of 5 connections would queue concurrent
    // evaluations
    this.client =
        WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(64));
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.apiKey = apiKey;
  }

  /** Whether {@code model} accepts {@code temperature}; see {@link #SAMPLING_MODELS}. */
  public static boolean acceptsTemperature(String model) {
    return model != null && SAMPLING_MODELS.matcher(model).matches();
  }

  /** One forced-tool request: model, prompt, the tool's name/description/input schema. */
  public record ToolRequest(
      String model,
      int maxTokens,
      String system,
      String user,
      String toolName,
      String toolDescription,
      JsonObject inputSchema,
      long timeoutMs) {
    JsonObject body() {
      JsonObject body = new JsonObject().put("model", model).put("max_tokens", maxTokens);
      if (acceptsTemperature(model)) {
        body.put("temperature", 0);
      }
      return body.put("system", system)
          .put(
              "messages",
              new JsonArray().add(new JsonObject().put("role", "user").put("content", user)))
          .put(
              "tools",
              new JsonArray()
                  .add(
                      new JsonObject()
                          .put("name", toolName)
                          .put("description", toolDescription)
                          .put("input_schema", inputSchema)))
          .put("tool_choice", new JsonObject().put("type", "tool").put("name", toolName));
    }
  }

  /**
   * Tokens one call used, as the reply's {@code id}, {@code model} and {@code usage} report them
   * (anthropic-sdk-python {@code types/usage.py#Usage}): {@code inputTokens} is all input, cached
   * or not; {@code cacheWriteTokens} and {@code cacheReadTokens} are the parts written to and read
   * from the prompt cache, priced apart from the rest.
   */
  public record Usage(
      String model,
      long inputTokens,
      long outputTokens,
      String messageId,
      long cacheWriteTokens,
      long cacheReadTokens) {
    public Usage(String model, long inputTokens, long outputTokens) {
      this(model, inputTokens, outputTokens, null, 0, 0);
    }

    /** Input billed at the base rate: what was neither written to nor read from the cache. */
    public long uncachedInputTokens() {
      return Math.max(0, inputTokens - cacheWriteTokens - cacheReadTokens);
    }
  }

  /** The forced tool's input and what the call used. */
  public record ToolReply(JsonObject input, Usage usage) {}

  /** The forced tool's input only; see {@link #callToolWithUsage}. */
  public Future<JsonObject> callTool(ToolRequest request) {
    return callToolWithUsage(request).map(ToolReply::input);
  }

  /**
   * The forced tool's input, or an {@link LlmException}. A 200 whose body is not JSON is
   * "malformed_response", one without the tool call (text only, or cut off at {@code max_tokens})
   * "no_tool_use" with the {@code stop_reason} in the message; both have status 200 ({@link
   * LlmException#malformedReply()}).
   */
  public Future<ToolReply> callToolWithUsage(ToolRequest request) {
    return client
        .postAbs(baseUrl + "/v1/messages")
        .timeout(request.timeoutMs())
        .putHeader("x-api-key", apiKey)
        .putHeader("anthropic-version", VERSION)
        .putHeader("content-type", "application/json")
        .sendJsonObject(request.body())
        .recover(
            failure ->
                Future.failedFuture(
                    new LlmException(0, "transport", failure.getClass().getSimpleName(), 0)))
        .compose(
            response ->
                response.statusCode() == 200
                    ? toolInput(response, request.toolName())
                    : Future.failedFuture(error(response)));
  }

  /**
   * Retries what {@link LlmException#retryable()} allows, at most {@code retries} times. The wait
   * is the reply's {@code retry-after-ms}/{@code retry-after} when it is above 0 and at most {@link
   * #MAX_RETRY_WAIT_MS}, else 0.5 s doubling per retry up to 8 s (the SDK's backoff, without
   * jitter).
   */
  public <T> Future<T> withRetries(int retries, java.util.function.Supplier<Future<T>> call) {
    return withRetries(0, retries, call);
  }

  private <T> Future<T> withRetries(
      int done, int retries, java.util.function.Supplier<Future<T>> call) {
    return call.get()
        .recover(
            failure -> {
              if (done >= retries || !(failure instanceof LlmException e) || !e.retryable()) {
                return Future.failedFuture(failure);
              }
              return vertx
                  .timer(retryDelayMs(e, done))
                  .compose(ignored -> withRetries(done + 1, retries, call));
            });
  }

  static long retryDelayMs(LlmException e, int retriesDone) {
    if (e.retryAfterMs() > 0 && e.retryAfterMs() <= MAX_RETRY_WAIT_MS) {
      return e.retryAfterMs();
    }
    return Math.min(DEFAULT_RETRY_WAIT_MS << Math.min(retriesDone, 10), MAX_BACKOFF_MS);
  }

  private static Future<ToolReply> toolInput(HttpResponse<Buffer> response, String toolName) {
    JsonObject body;
    try {
      body = response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return Future.failedFuture(
          new LlmException(200, "malformed_response", "body is not JSON", 0));
    }
    for (Object block : body.getJsonArray("content", new JsonArray())) {
      if (block instanceof JsonObject b
          && "tool_use".equals(b.getString("type"))
          && toolName.equals(b.getString("name"))
          && b.getValue("input") instanceof JsonObject input) {
        JsonObject usage = body.getJsonObject("usage", new JsonObject());
        long cacheWrite = usage.getLong("cache_creation_input_tokens", 0L);
        long cacheRead = usage.getLong("cache_read_input_tokens", 0L);
        return Future.succeededFuture(
            new ToolReply(
                input,
                new Usage(
                    body.getString("model"),
                    usage.getLong("input_tokens", 0L) + cacheWrite + cacheRead,
                    usage.getLong("output_tokens", 0L),
                    body.getString("id"),
                    cacheWrite,
                    cacheRead)));
      }
    }
    return Future.failedFuture(
        new LlmException(
            200,
            "no_tool_use",
            "the reply holds no "
                + toolName
                + " call (stop_reason "
                + body.getValue("stop_reason")
                + ")",
            0));
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
    String shouldRetry = response.getHeader("x-should-retry");
    return new LlmException(
        response.statusCode(),
        type,
        message,
        retryAfterMs(response.getHeader("retry-after-ms"), response.getHeader("retry-after")),
        "true".equals(shouldRetry)
            ? Boolean.TRUE
            : "false".equals(shouldRetry) ? Boolean.FALSE : null);
  }

  /**
   * {@code retry-after-ms} first, then {@code retry-after} as seconds or an HTTP date; 0 when
   * neither says.
   */
  static long retryAfterMs(String ms, String seconds) {
    try {
      if (ms != null) {
        return Math.max(0, (long) Double.parseDouble(ms.trim()));
      }
    } catch (NumberFormatException ignored) {
      // fall through to retry-after
    }
    if (seconds == null) {
      return 0;
    }
    try {
      return Math.max(0, (long) (Double.parseDouble(seconds.trim()) * 1000));
    } catch (NumberFormatException e) {
      try {
        java.time.ZonedDateTime at =
            java.time.ZonedDateTime.parse(
                seconds.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
      } catch (java.time.format.DateTimeParseException unparsable) {
        return 0;
      }
    }
  }
}
