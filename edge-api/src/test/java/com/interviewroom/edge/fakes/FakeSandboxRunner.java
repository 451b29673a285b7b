package com.interviewroom.edge.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox runner's {@code POST /v1/check} contract with canned answers: code containing
 * {@code "def broken("} gets one syntax error on line 2, anything else is clean.
 */
public final class FakeSandboxRunner implements AutoCloseable {
  public final AtomicInteger checks = new AtomicInteger();
  public final AtomicInteger runs = new AtomicInteger();
  private final HttpServer server;

  public FakeSandboxRunner(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if ("/v1/run".equals(req.path())) {
        runs.incrementAndGet();
        req.response().putHeader("content-type", "application/json").end(run(body.toJsonObject()).encode());
        return;
      }
      if ("/health".equals(req.path())) {
        req.response().putHeader("content-type", "application/json").end(new JsonObject().put("status", "ok").encode());
        return;
      }
      if (!"/v1/check".equals(req.path())) {
        req.response().setStatusCode(404).end();
        return;
      }
      checks.incrementAndGet();
      JsonObject in = body.toJsonObject();
      JsonArray diagnostics = new JsonArray();
      if (in.getString("code", "").contains("def broken(")) {
        diagnostics.add(new JsonObject().put("line", 2).put("column", 15).put("message", "'(' was never closed")
            .put("severity", "error"));
      }
      req.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("ok", diagnostics.isEmpty()).put("diagnostics", diagnostics).encode());
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * Times each test as if the solution ran it: code with a nested {@code for j} loop costs n²/10⁷ ms,
   * anything else n/10³ ms, where n is the size of the first array or string parameter.
   */
  private static JsonObject run(JsonObject request) {
    boolean quadratic = request.getString("code", "").contains("for j");
    JsonArray tests = new JsonArray();
    for (Object t : request.getJsonObject("problem").getJsonArray("tests")) {
      JsonObject test = (JsonObject) t;
      long n = 0;
      for (Object value : test.getJsonObject("input").getMap().values()) {
        if (value instanceof java.util.List<?> list) {
          n = list.size();
          break;
        }
        if (value instanceof String text) {
          n = text.length();
          break;
        }
      }
      double ms = quadratic ? n * (double) n / 1e7 : n / 1e3;
      tests.add(new JsonObject().put("id", test.getString("id")).put("hidden", true).put("passed", false).put("durationMs", ms));
    }
    return new JsonObject().put("verdict", "wrong_answer").put("stdout", "").put("stderr", "").put("exitCode", 0)
        .put("durationMs", 5).put("tests", tests);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
