package com.interviewroom.edge.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox runner's private API: {@code POST /v1/check {language, code}} →
 * {@code {ok, diagnostics:[{line, column, message, severity}]}} from the language's own parser or
 * compiler. Never fails: an unreachable or misbehaving runner yields "diagnostics unavailable".
 */
public final class SandboxClient {
  private static final Logger log = LoggerFactory.getLogger(SandboxClient.class);
  private static final long TIMEOUT_MS = 5_000;

  private final WebClient client;
  private final String baseUrl;

  public SandboxClient(Vertx vertx, String baseUrl) {
    this.client = WebClient.create(vertx);
    this.baseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
  }

  /** {@code available} is false when the runner could not be asked. */
  public record Diagnostics(boolean available, JsonArray items) {
    public static Diagnostics unavailable() {
      return new Diagnostics(false, new JsonArray());
    }
  }

  public Future<Diagnostics> check(String language, String code) {
    if (baseUrl == null) {
      return Future.succeededFuture(Diagnostics.unavailable());
    }
    return client.postAbs(baseUrl + "/v1/check")
        .timeout(TIMEOUT_MS)
        .sendJsonObject(new JsonObject().put("language", language).put("code", code))
        .map(response -> {
          if (response.statusCode() != 200) {
            log.warn("sandbox check answered {}", response.statusCode());
            return Diagnostics.unavailable();
          }
          JsonObject body = response.bodyAsJsonObject();
          return new Diagnostics(true, sanitize(body.getJsonArray("diagnostics", new JsonArray())));
        })
        .recover(failure -> {
          log.warn("sandbox check unavailable: {}", failure.getClass().getSimpleName());
          return Future.succeededFuture(Diagnostics.unavailable());
        });
  }

  /**
   * {@code POST /v1/run}: {@code {language, code, mode, problem:{function, compare, tests}}} →
   * {@code {verdict, ..., tests:[{id, passed, durationMs, error?}]}}. Fails when the runner is not
   * configured, unreachable or answers non-200; callers decide what that means.
   */
  public Future<JsonObject> run(String language, String code, String mode, JsonObject problem, long timeoutMs) {
    if (baseUrl == null) {
      return Future.failedFuture(new IllegalStateException("SANDBOX_URL is not configured"));
    }
    return client.postAbs(baseUrl + "/v1/run")
        .timeout(timeoutMs)
        .sendJsonObject(new JsonObject().put("language", language).put("code", code).put("mode", mode).put("problem", problem))
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(response.bodyAsJsonObject())
            : Future.failedFuture(new IllegalStateException("sandbox run answered " + response.statusCode())));
  }

  /** Keeps only the documented fields, so whatever the runner adds never leaks onward. */
  private static JsonArray sanitize(JsonArray raw) {
    JsonArray out = new JsonArray();
    for (Object item : raw) {
      if (item instanceof JsonObject d && d.getValue("message") instanceof String message) {
        out.add(new JsonObject()
            .put("line", d.getValue("line") instanceof Number n ? n.intValue() : null)
            .put("column", d.getValue("column") instanceof Number n ? n.intValue() : null)
            .put("message", message.length() > 500 ? message.substring(0, 500) : message)
            .put("severity", d.getString("severity", "error")));
      }
    }
    return out;
  }
}
