package com.interviewroom.edge.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A faithful stand-in for the Anthropic Messages API over a real socket: checks {@code x-api-key},
 * {@code anthropic-version} and the request shape, answers scripted replies in Anthropic's formats
 * (a {@code tool_use} message with {@code usage}, or {@code {type:"error", error:{type, message}}}
 * with {@code retry-after} on 429/529). With an empty script it answers 500 api_error.
 */
public final class FakeAnthropic implements AutoCloseable {
  public static final String KEY = "sk-ant-test-key";

  /** One scripted reply. */
  public record Reply(int status, JsonObject body, String retryAfter, long delayMs) {
    Reply withInput(JsonObject input) {
      return new Reply(status, new JsonObject().put("__input", input), retryAfter, delayMs);
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final Deque<Reply> script = new ArrayDeque<>();
  public final List<JsonObject> requests = new CopyOnWriteArrayList<>();

  public FakeAnthropic(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public synchronized FakeAnthropic then(Reply reply) {
    script.add(reply);
    return this;
  }

  /** A successful forced-tool answer whose {@code input} is {@code toolInput}. */
  public FakeAnthropic thenTool(JsonObject toolInput) {
    return then(new Reply(200, null, null, 0).withInput(toolInput));
  }

  public FakeAnthropic thenError(int status, String type, String retryAfter) {
    return then(new Reply(status, error(type, type.replace('_', ' ')), retryAfter, 0));
  }

  public static JsonObject error(String type, String message) {
    return new JsonObject().put("type", "error").put("error", new JsonObject().put("type", type).put("message", message));
  }

  /** Forgets any scripted replies a previous test left unused. */
  public synchronized void reset() {
    script.clear();
  }

  private synchronized Reply next() {
    return script.poll();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buffer -> {
      if (!"/v1/messages".equals(req.path()) || req.method() != io.vertx.core.http.HttpMethod.POST) {
        respond(req, 404, error("not_found_error", "Not found"), null);
        return;
      }
      if (!KEY.equals(req.getHeader("x-api-key"))) {
        respond(req, 401, error("authentication_error", "invalid x-api-key"), null);
        return;
      }
      if (!"2023-06-01".equals(req.getHeader("anthropic-version"))) {
        respond(req, 400, error("invalid_request_error", "anthropic-version header is required"), null);
        return;
      }
      JsonObject body;
      try {
        body = buffer.toJsonObject();
      } catch (RuntimeException e) {
        respond(req, 400, error("invalid_request_error", "body is not JSON"), null);
        return;
      }
      requests.add(body);
      if (body.getString("model") == null || body.getInteger("max_tokens") == null || body.getJsonArray("messages") == null) {
        respond(req, 400, error("invalid_request_error", "model, max_tokens and messages are required"), null);
        return;
      }
      Reply reply = next();
      if (reply == null) {
        respond(req, 500, error("api_error", "Internal server error"), null);
        return;
      }
      JsonObject out = reply.body() != null && reply.status() == 200 && reply.body().containsKey("__input")
          ? message(body, reply.body().getJsonObject("__input")) : reply.body();
      if (reply.delayMs() > 0) {
        vertx.setTimer(reply.delayMs(), id -> respond(req, reply.status(), out, reply.retryAfter()));
      } else {
        respond(req, reply.status(), out, reply.retryAfter());
      }
    });
  }

  /** A Messages API response that calls the forced tool with {@code input}. */
  private static JsonObject message(JsonObject request, JsonObject input) {
    String tool = request.getJsonObject("tool_choice", new JsonObject()).getString("name", "tool");
    return new JsonObject()
        .put("id", "msg_" + Long.toHexString(System.nanoTime()))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", request.getString("model"))
        .put("content", new JsonArray().add(new JsonObject().put("type", "tool_use")
            .put("id", "toolu_" + Long.toHexString(System.nanoTime())).put("name", tool).put("input", input)))
        .put("stop_reason", "tool_use")
        .put("stop_sequence", null)
        .put("usage", new JsonObject().put("input_tokens", 812).put("output_tokens", 164));
  }

  private static void respond(HttpServerRequest req, int status, JsonObject body, String retryAfter) {
    var response = req.response().setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("request-id", "req_" + Long.toHexString(System.nanoTime()));
    if (retryAfter != null) {
      response.putHeader("retry-after", retryAfter);
    }
    response.end(body == null ? "{}" : body.encode());
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
