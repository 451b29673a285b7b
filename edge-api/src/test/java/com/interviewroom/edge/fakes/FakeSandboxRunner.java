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
  private final HttpServer server;

  public FakeSandboxRunner(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
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

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
