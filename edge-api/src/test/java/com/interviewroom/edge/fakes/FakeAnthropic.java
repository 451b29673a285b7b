package com.interviewroom.edge.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A faithful stand-in for the Anthropic Messages API over a real socket. Like the real API it
 * checks {@code x-api-key} (401 authentication_error) and {@code anthropic-version}, and refuses a
 * malformed request with 400 invalid_request_error: missing {@code model}/{@code max_tokens}/
 * {@code messages}, a first message not from the user, {@code temperature} outside 0–1, a tool
 * without a valid name or whose {@code input_schema} is not {@code type: object}, duplicate tool
 * names, a {@code tool_choice} of an unknown type or naming an undeclared tool. Scripted replies
 * follow Anthropic's formats: a {@code tool_use} message with {@code usage} (cache token fields
 * included), or {@code {type:"error", error:{type, message}, request_id}} with {@code retry-after}
 * on 429/529. With an empty script it answers 500 api_error. Models: an id the API does not know
 * (or a retired one such as {@code claude-sonnet-4-5}) is 404 {@code not_found_error}; {@code
 * temperature} sent to a model that no longer takes sampling parameters (Opus 4.7 and later, the 5
 * line) is 400 "`temperature` is deprecated for this model." Replies can carry {@code
 * retry-after-ms} and {@code x-should-retry} headers.
 */
public final class FakeAnthropic implements AutoCloseable {
  public static final String KEY = "sk-ant-test-key";
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool", "none");

  /**
   * Models the API serves (anthropic-sdk-python {@code types/model_param.py}), less the retired
   * Sonnet 4.5.
   */
  public static final Set<String> MODELS =
      Set.of(
          "claude-sonnet-5",
          "claude-fable-5",
          "claude-opus-5",
          "claude-opus-4-8",
          "claude-opus-4-7",
          "claude-opus-4-6",
          "claude-sonnet-4-6",
          "claude-haiku-4-5",
          "claude-haiku-4-5-20251001",
          "claude-opus-4-5",
          "claude-opus-4-5-20251101");

  /** Of those, the ones that refuse sampling parameters. */
  public static final Set<String> NO_SAMPLING =
      Set.of(
          "claude-sonnet-5",
          "claude-fable-5",
          "claude-opus-5",
          "claude-opus-4-8",
          "claude-opus-4-7");

  /** One scripted reply: {@code body} is a JSON object, or a String sent verbatim. */
  public record Reply(
      int status,
      Object body,
      String retryAfter,
      long delayMs,
      java.util.Map<String, String> headers) {
    public Reply(int status, Object body, String retryAfter, long delayMs) {
      this(status, body, retryAfter, delayMs, java.util.Map.of());
    }

    /**
     * The same reply with one more response header ({@code retry-after-ms}, {@code
     * x-should-retry}).
     */
    public Reply header(String name, String value) {
      java.util.Map<String, String> next = new java.util.HashMap<>(headers);
      next.put(name, value);
      return new Reply(status, body, retryAfter, delayMs, java.util.Map.copyOf(next));
    }

    /** A successful forced-tool message whose tool input is {@code input}. */
    public static Reply tool(JsonObject input) {
      return new Reply(200, new JsonObject().put("__input", input), null, 0);
    }

    /** An error in Anthropic's envelope. */
    public static Reply error(int status, String type, String retryAfter) {
      return new Reply(status, FakeAnthropic.error(type, type.replace('_', ' ')), retryAfter, 0);
    }

    /** The same reply, sent after {@code ms}. */
    public Reply after(long ms) {
      return new Reply(status, body, retryAfter, ms, headers);
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final Deque<Reply> script = new ArrayDeque<>();

  /** Every request that passed authentication and parsed as JSON, valid or not. */
  public final List<JsonObject> requests = new CopyOnWriteArrayList<>();

  /** Every HTTP request that reached the fake, whatever its path, key or body. */
  public final AtomicInteger hits = new AtomicInteger();

  public FakeAnthropic(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(this::handle)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
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
    return then(Reply.tool(toolInput));
  }

  public FakeAnthropic thenError(int status, String type, String retryAfter) {
    return then(Reply.error(status, type, retryAfter));
  }

  public static JsonObject error(String type, String message) {
    return new JsonObject()
        .put("type", "error")
        .put("error", new JsonObject().put("type", type).put("message", message));
  }

  /**
   * A complete Messages API response holding only text, as when the model ignored the tool or hit
   * max_tokens.
   */
  public static JsonObject textMessage(String text, String stopReason) {
    return new JsonObject()
        .put("id", "msg_" + Long.toHexString(System.nanoTime()))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", "claude-sonnet-4-5")
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
        .put("stop_reason", stopReason)
        .put("stop_sequence", null)
        .put("usage", usage(812, 4096));
  }

  /** Forgets any scripted replies a previous test left unused. */
  public synchronized void reset() {
    script.clear();
  }

  private synchronized Reply next() {
    return script.poll();
  }

  private void handle(HttpServerRequest req) {
    hits.incrementAndGet();
    req.body()
        .onSuccess(
            buffer -> {
              if (req.path().startsWith("/v1/models/") && req.method() == HttpMethod.GET) {
                String id = req.path().substring("/v1/models/".length());
                if (!KEY.equals(req.getHeader("x-api-key"))) {
                  respond(req, 401, error("authentication_error", "invalid x-api-key"), null);
                } else if (MODELS.contains(id)) {
                  respond(
                      req,
                      200,
                      new JsonObject()
                          .put("type", "model")
                          .put("id", id)
                          .put("display_name", id)
                          .put("created_at", "2026-01-01T00:00:00Z"),
                      null);
                } else {
                  respond(req, 404, error("not_found_error", "model: " + id), null);
                }
                return;
              }
              if (!"/v1/messages".equals(req.path()) || req.method() != HttpMethod.POST) {
                respond(req, 404, error("not_found_error", "Not found"), null);
                return;
              }
              if (!KEY.equals(req.getHeader("x-api-key"))) {
                respond(req, 401, error("authentication_error", "invalid x-api-key"), null);
                return;
              }
              if (!"2023-06-01".equals(req.getHeader("anthropic-version"))) {
                respond(
                    req,
                    400,
                    error("invalid_request_error", "anthropic-version: header is required"),
                    null);
                return;
              }
              JsonObject body;
              try {
                body = buffer.toJsonObject();
              } catch (RuntimeException e) {
                respond(
                    req,
                    400,
                    error(
                        "invalid_request_error",
                        "There was an error parsing the body of your request."),
                    null);
                return;
              }
              requests.add(body);
              if (body.getValue("model") instanceof String model
                  && !model.isBlank()
                  && !MODELS.contains(model)) {
                respond(req, 404, error("not_found_error", "model: " + model), null);
                return;
              }
              String invalid = invalid(body);
              if (invalid != null) {
                respond(req, 400, error("invalid_request_error", invalid), null);
                return;
              }
              Reply reply = next();
              if (reply == null) {
                respond(req, 500, error("api_error", "Internal server error"), null);
                return;
              }
              Object out =
                  reply.body() instanceof JsonObject json
                          && reply.status() == 200
                          && json.containsKey("__input")
                      ? message(body, json.getJsonObject("__input"))
                      : reply.body();
              if (reply.delayMs() > 0) {
                vertx.setTimer(
                    reply.delayMs(),
                    id -> respond(req, reply.status(), out, reply.retryAfter(), reply.headers()));
              } else {
                respond(req, reply.status(), out, reply.retryAfter(), reply.headers());
              }
            });
  }

  /**
   * What the real API's request validation would say about this body, or null when it is well
   * formed.
   */
  static String invalid(JsonObject body) {
    if (!(body.getValue("model") instanceof String model) || model.isBlank()) {
      return "model: Field required";
    }
    if (!(body.getValue("max_tokens") instanceof Integer maxTokens) || maxTokens < 1) {
      return "max_tokens: Field required (a positive integer)";
    }
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return "messages: at least one message is required";
    }
    for (int i = 0; i < messages.size(); i++) {
      if (!(messages.getValue(i) instanceof JsonObject m)
          || !Set.of("user", "assistant").contains(m.getString("role", ""))
          || !(m.getValue("content") instanceof String
              || m.getValue("content") instanceof JsonArray)) {
        return "messages." + i + ": each message needs role user|assistant and content";
      }
      if (i == 0 && !"user".equals(m.getString("role"))) {
        return "messages: first message must use the \"user\" role";
      }
    }
    if (body.containsKey("temperature")
        && !(body.getValue("temperature") instanceof Number t
            && t.doubleValue() >= 0
            && t.doubleValue() <= 1)) {
      return "temperature: range: 0..1";
    }
    if ((body.containsKey("temperature") || body.containsKey("top_p") || body.containsKey("top_k"))
        && NO_SAMPLING.contains(body.getString("model"))) {
      return "`temperature` is deprecated for this model.";
    }
    Set<String> declared = new HashSet<>();
    if (body.containsKey("tools")) {
      if (!(body.getValue("tools") instanceof JsonArray tools)) {
        return "tools: Input should be a valid list";
      }
      for (int i = 0; i < tools.size(); i++) {
        if (!(tools.getValue(i) instanceof JsonObject tool)
            || !(tool.getValue("name") instanceof String name)
            || !TOOL_NAME.matcher(name).matches()) {
          return "tools." + i + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'";
        }
        if (!(tool.getValue("input_schema") instanceof JsonObject schema)
            || !"object".equals(schema.getValue("type"))) {
          return "tools." + i + ".custom.input_schema.type: Input should be 'object'";
        }
        if (tool.containsKey("description") && !(tool.getValue("description") instanceof String)) {
          return "tools." + i + ".description: Input should be a valid string";
        }
        if (!declared.add(name)) {
          return "tools: Tool names must be unique.";
        }
      }
    }
    if (body.containsKey("tool_choice")) {
      if (!(body.getValue("tool_choice") instanceof JsonObject choice)
          || !TOOL_CHOICES.contains(choice.getString("type", ""))) {
        return "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
      }
      if (!"none".equals(choice.getString("type"))
          && !"auto".equals(choice.getString("type"))
          && declared.isEmpty()) {
        return "tool_choice: may only be specified while providing tools.";
      }
      if ("tool".equals(choice.getString("type"))
          && !declared.contains(choice.getString("name", ""))) {
        return "tool_choice.name: Tool '"
            + choice.getString("name")
            + "' not found in provided tools";
      }
    }
    return null;
  }

  private static JsonObject usage(int input, int output) {
    return new JsonObject()
        .put("input_tokens", input)
        .put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", 0)
        .put("output_tokens", output)
        .put("service_tier", "standard");
  }

  /** A Messages API response that calls the forced tool with {@code input}. */
  private static JsonObject message(JsonObject request, JsonObject input) {
    String tool = request.getJsonObject("tool_choice", new JsonObject()).getString("name", "tool");
    return new JsonObject()
        .put("id", "msg_" + Long.toHexString(System.nanoTime()))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", request.getString("model"))
        .put(
            "content",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("type", "tool_use")
                        .put("id", "toolu_" + Long.toHexString(System.nanoTime()))
                        .put("name", tool)
                        .put("input", input)))
        .put("stop_reason", "tool_use")
        .put("stop_sequence", null)
        .put("usage", usage(812, 164));
  }

  private static void respond(HttpServerRequest req, int status, Object body, String retryAfter) {
    respond(req, status, body, retryAfter, java.util.Map.of());
  }

  private static void respond(
      HttpServerRequest req,
      int status,
      Object body,
      String retryAfter,
      java.util.Map<String, String> headers) {
    String requestId = "req_" + Long.toHexString(System.nanoTime());
    var response =
        req.response()
            .setStatusCode(status)
            .putHeader("content-type", "application/json")
            .putHeader("request-id", requestId);
    if (retryAfter != null) {
      response.putHeader("retry-after", retryAfter);
    }
    headers.forEach(response::putHeader);
    if (body instanceof String raw) {
      response.putHeader("content-type", "text/plain").end(raw);
      return;
    }
    JsonObject json = body == null ? new JsonObject() : ((JsonObject) body).copy();
    if ("error".equals(json.getString("type"))) {
      json.put("request_id", requestId);
    }
    response.end(json.encode());
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
