package com.interviewroom.edge.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A sandbox runner that answers {@code POST /v1/run} in the documented shape: every test passes
 * with its expected value, hidden ones already redacted, plus fields the edge must not pass on
 * ({@code runnerInternal}, {@code hostPath}). The real runner is exercised end to end elsewhere.
 */
public final class EchoRunner implements AutoCloseable {
  public final List<JsonObject> runRequests = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  public EchoRunner() throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              if ("/health".equals(req.path())) {
                                // the real runner's liveness answer; session start asks it first
                                req.response()
                                    .putHeader("Content-Type", "application/json")
                                    .end(new JsonObject().put("status", "ok").encode());
                                return;
                              }
                              JsonObject run = body.toJsonObject();
                              runRequests.add(run);
                              JsonArray tests = new JsonArray();
                              for (Object item :
                                  run.getJsonObject("problem").getJsonArray("tests")) {
                                JsonObject t = (JsonObject) item;
                                boolean hidden = t.getBoolean("hidden");
                                JsonObject result =
                                    new JsonObject()
                                        .put("id", t.getValue("id"))
                                        .put("hidden", hidden)
                                        .put("passed", true)
                                        .put("durationMs", 3);
                                if (!hidden) {
                                  result
                                      .put("input", t.getValue("input"))
                                      .put("expected", t.getValue("expected"))
                                      .put("actual", t.getValue("expected"));
                                }
                                tests.add(result.put("runnerInternal", "/tmp/slot-1/harness.py"));
                              }
                              req.response()
                                  .putHeader("Content-Type", "application/json")
                                  .end(
                                      new JsonObject()
                                          .put("verdict", "accepted")
                                          .put("stdout", "hi\n")
                                          .put("stderr", "")
                                          .put("exitCode", 0)
                                          .put("durationMs", 42)
                                          .put("tests", tests)
                                          .put("hostPath", "/srv/runner")
                                          .encode());
                            }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public JsonObject lastRequest() {
    return runRequests.get(runRequests.size() - 1);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
