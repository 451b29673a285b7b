package com.interviewroom.edge.sandbox;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.wire.InternalPaths;
import com.interviewroom.edge.health.Dependency;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox runner's private API: {@code POST /v1/check {language, code}} → {@code {ok,
 * diagnostics:[{line, column, message, severity}]}} from the language's own parser or compiler.
 * Never fails: an unreachable or misbehaving runner yields "diagnostics unavailable". Every call
 * carries the runner's token ({@code SANDBOX_TOKEN}).
 */
public final class SandboxClient {
  private static final Logger log = LoggerFactory.getLogger(SandboxClient.class);
  private static final long TIMEOUT_MS = 5_000;

  static final long HEALTH_TIMEOUT_MS = 1_500;

  private final WebClient client;
  private final String baseUrl;
  private final String authorization;

  /**
   * @param token the runner's credential ({@code SANDBOX_TOKEN}), sent with every call
   */
  public SandboxClient(Vertx vertx, String baseUrl, String token) {
    this.client = WebClient.create(vertx);
    this.baseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
    this.authorization = "Bearer " + token;
  }

  public static SandboxClient of(Vertx vertx, Config.Sandbox sandbox) {
    return new SandboxClient(vertx, sandbox.url(), sandbox.token());
  }

  /**
   * The runner's {@code GET /health}: it answers 200 while code really runs there (a trivial run
   * per language, cached for a few seconds), 503 naming what its host lacks. Fails with {@link
   * Dependency.Down} carrying the runner's status, languages and missing pieces.
   */
  public Future<JsonObject> health() {
    if (baseUrl == null) {
      return Future.failedFuture(new Dependency.Down("not_configured", null));
    }
    return client
        .getAbs(baseUrl + InternalPaths.SANDBOX_HEALTH)
        .timeout(HEALTH_TIMEOUT_MS)
        .putHeader("Authorization", authorization)
        .send()
        .compose(
            response -> {
              JsonObject body = parse(response.bodyAsString());
              if (response.statusCode() != 200) {
                JsonObject detail = new JsonObject();
                for (String field : new String[] {"languages", "missing"}) {
                  if (body.containsKey(field)) {
                    detail.put(field, body.getValue(field));
                  }
                }
                return Future.failedFuture(
                    new Dependency.Down("sandbox answered " + response.statusCode(), detail));
              }
              return Future.succeededFuture(body);
            });
  }

  private static JsonObject parse(String text) {
    try {
      return text == null ? new JsonObject() : new JsonObject(text);
    } catch (RuntimeException notJson) {
      return new JsonObject();
    }
  }

  /** {@code available} is false when the runner could not be asked. */
  public record Diagnostics(boolean available, JsonArray items) {
    public static Diagnostics unavailable() {
      return new Diagnostics(false, new JsonArray());
    }
  }

  public Future<Diagnostics> check(String language, String code) {
    return check(language, code, null, null);
  }

  /**
   * The code observer's check: the runner applies its per-session and per-user limits to observer
   * compiles (a newer edit replaces a waiting one; a refusal is a 429, read here as "unavailable").
   */
  public Future<Diagnostics> check(
      String language, String code, java.util.UUID sessionId, java.util.UUID userId) {
    if (baseUrl == null) {
      return Future.succeededFuture(Diagnostics.unavailable());
    }
    JsonObject request = new JsonObject().put("language", language).put("code", code);
    if (sessionId != null) {
      request.put("session", sessionId.toString());
    }
    if (userId != null) {
      request.put("user", userId.toString());
    }
    return client
        .postAbs(baseUrl + InternalPaths.SANDBOX_CHECK)
        .timeout(TIMEOUT_MS)
        .putHeader("Authorization", authorization)
        .sendJsonObject(request)
        .map(
            response -> {
              if (response.statusCode() != 200) {
                log.warn("sandbox check answered {}", response.statusCode());
                return Diagnostics.unavailable();
              }
              JsonObject body = response.bodyAsJsonObject();
              return new Diagnostics(
                  true, sanitize(body.getJsonArray("diagnostics", new JsonArray())));
            })
        .recover(
            failure -> {
              log.warn("sandbox check unavailable: {}", failure.getClass().getSimpleName());
              return Future.succeededFuture(Diagnostics.unavailable());
            });
  }

  /**
   * {@code POST /v1/run}: {@code {language, code, mode, problem:{function, compare, tests}}} →
   * {@code {verdict, ..., tests:[{id, passed, durationMs, error?}]}}. Fails when the runner is not
   * configured, unreachable or answers non-200; callers decide what that means.
   */
  public Future<JsonObject> run(
      String language, String code, String mode, JsonObject problem, long timeoutMs) {
    if (baseUrl == null) {
      return Future.failedFuture(new IllegalStateException("SANDBOX_URL is not configured"));
    }
    return client
        .postAbs(baseUrl + InternalPaths.SANDBOX_RUN)
        .timeout(timeoutMs)
        .putHeader("Authorization", authorization)
        .sendJsonObject(
            new JsonObject()
                .put("language", language)
                .put("code", code)
                .put("mode", mode)
                .put("problem", problem))
        .compose(
            response ->
                response.statusCode() == 200
                    ? Future.succeededFuture(response.bodyAsJsonObject())
                    : Future.failedFuture(
                        new IllegalStateException(
                            "sandbox run answered " + response.statusCode())));
  }

  /** Keeps only the documented fields, so whatever the runner adds never leaks onward. */
  private static JsonArray sanitize(JsonArray raw) {
    JsonArray out = new JsonArray();
    for (Object item : raw) {
      if (item instanceof JsonObject d && d.getValue("message") instanceof String message) {
        out.add(
            new JsonObject()
                .put("line", d.getValue("line") instanceof Number n ? n.intValue() : null)
                .put("column", d.getValue("column") instanceof Number n ? n.intValue() : null)
                .put("message", message.length() > 500 ? message.substring(0, 500) : message)
                .put("severity", d.getString("severity", "error")));
      }
    }
    return out;
  }
}
