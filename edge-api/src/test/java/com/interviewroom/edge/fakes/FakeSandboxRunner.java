package com.interviewroom.edge.fakes;

import com.interviewroom.sandbox.http.SandboxRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox runner's private API with canned answers: {@code POST /v1/check} gives code
 * containing {@code "def broken("} one syntax error on line 2, anything else is clean; {@code POST
 * /v1/run} simulates timings (below). Like the real runner, a body over {@link
 * SandboxRoutes#BODY_LIMIT} is refused with 413, and a run whose simulated time exceeds the wall
 * limit (5 s, 10 s for Java) is {@code time_limit_exceeded} with the unfinished tests at 0 ms.
 */
public final class FakeSandboxRunner implements AutoCloseable {
  public final AtomicInteger checks = new AtomicInteger();
  public final AtomicInteger runs = new AtomicInteger();

  /** Every {@code /v1/run} body size seen, refused ones included. */
  public final List<Integer> runBodyBytes = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Every {@code /v1/check} body, in order. */
  public final List<JsonObject> checkBodies = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Code containing this answers as the real runner's observer lane does for a user over their
   * limit: 429 {@code observer_user_limit}.
   */
  public static final String OVER_USER_LIMIT = "# over the user's observer limit";

  private final HttpServer server;

  public FakeSandboxRunner(Vertx vertx) throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              if (body.length() > SandboxRoutes.BODY_LIMIT) {
                                if ("/v1/run".equals(req.path())) {
                                  runBodyBytes.add(body.length());
                                }
                                req.response().setStatusCode(413).end();
                                return;
                              }
                              if ("/v1/run".equals(req.path())) {
                                runs.incrementAndGet();
                                runBodyBytes.add(body.length());
                                req.response()
                                    .putHeader("content-type", "application/json")
                                    .end(run(body.toJsonObject()).encode());
                                return;
                              }
                              if ("/health".equals(req.path())) {
                                req.response()
                                    .putHeader("content-type", "application/json")
                                    .end(new JsonObject().put("status", "ok").encode());
                                return;
                              }
                              if (!"/v1/check".equals(req.path())) {
                                req.response().setStatusCode(404).end();
                                return;
                              }
                              checks.incrementAndGet();
                              JsonObject in = body.toJsonObject();
                              checkBodies.add(in);
                              if (in.getString("code", "").contains(OVER_USER_LIMIT)) {
                                req.response()
                                    .setStatusCode(429)
                                    .putHeader("content-type", "application/problem+json")
                                    .putHeader("Retry-After", "1")
                                    .end(
                                        new JsonObject()
                                            .put("status", 429)
                                            .put("code", "observer_user_limit")
                                            .encode());
                                return;
                              }
                              JsonArray diagnostics = new JsonArray();
                              if (in.getString("code", "").contains("def broken(")) {
                                diagnostics.add(
                                    new JsonObject()
                                        .put("line", 2)
                                        .put("column", 15)
                                        .put("message", "'(' was never closed")
                                        .put("severity", "error"));
                              }
                              req.response()
                                  .putHeader("content-type", "application/json")
                                  .end(
                                      new JsonObject()
                                          .put("ok", diagnostics.isEmpty())
                                          .put("diagnostics", diagnostics)
                                          .encode());
                            }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  /**
   * Times each test as if the solution ran it, n being the size of the first array or string
   * parameter: code with a {@code for k} loop costs n³/10⁷ ms, a nested {@code for j} loop n²/10⁷
   * ms, anything else n/10³ ms. Tests run in order in one process, as in the real runner's harness.
   */
  private static JsonObject run(JsonObject request) {
    String code = request.getString("code", "");
    int power = code.contains("for k") ? 3 : code.contains("for j") ? 2 : 1;
    double wallMs = "java".equals(request.getString("language")) ? 10_000 : 5_000;
    JsonArray tests = new JsonArray();
    double elapsed = 0;
    boolean timedOut = false;
    for (Object t : request.getJsonObject("problem").getJsonArray("tests")) {
      JsonObject test = (JsonObject) t;
      double n = size(test.getJsonObject("input"));
      double ms = power == 1 ? n / 1e3 : Math.pow(n, power) / 1e7;
      timedOut |= elapsed + ms > wallMs;
      elapsed += ms;
      tests.add(
          new JsonObject()
              .put("id", test.getString("id"))
              .put("hidden", true)
              .put("passed", false)
              .put("durationMs", timedOut ? 0.0 : ms));
    }
    return new JsonObject()
        .put("verdict", timedOut ? "time_limit_exceeded" : "wrong_answer")
        .put("stdout", "")
        .put("stderr", "")
        .put("exitCode", timedOut ? -1 : 0)
        .put("durationMs", (long) Math.min(elapsed, wallMs))
        .put("tests", tests);
  }

  private static double size(JsonObject input) {
    for (Object value : input.getMap().values()) {
      if (value instanceof java.util.List<?> list) {
        return list.size();
      }
      if (value instanceof String text) {
        return text.length();
      }
    }
    return 0;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
