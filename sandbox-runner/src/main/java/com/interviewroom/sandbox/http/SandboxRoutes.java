package com.interviewroom.sandbox.http;

import com.interviewroom.common.http.Problems;
import com.interviewroom.common.http.ProblemHandler;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.sandbox.SandboxService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * The private API. Validation runs on the event loop (cheap); everything that touches a process runs
 * on a virtual thread, admitted only while a slot or a queue place is free (otherwise 503 at once).
 */
public final class SandboxRoutes {
  public static final int BODY_LIMIT = 256 * 1024;

  private final Vertx vertx;
  private final SandboxService service;
  private final ExecutorService blocking;

  public SandboxRoutes(Vertx vertx, SandboxService service, ExecutorService blocking) {
    this.vertx = vertx;
    this.service = service;
    this.blocking = blocking;
  }

  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/v1/run").respond(ctx -> admitted(RequestParser.run(body(ctx)), request -> ResultJson.run(service.run(request))));
    router.post("/v1/check").respond(ctx -> admitted(RequestParser.check(body(ctx)),
        check -> ResultJson.check(service.check(check.language(), check.code()))));
    router.get("/v1/runtimes").respond(ctx -> Future.succeededFuture(
        ResultJson.runtimes(service.runtimes().all(), service.cgroupsEnabled(), service.workDirsSizeCapped())));
    router.get("/health").respond(ctx -> Future.succeededFuture(new JsonObject().put("status", "ok")
        .put("admitted", service.pool().admitted())));
    router.route().failureHandler(new ProblemHandler());
    return router;
  }

  private static JsonObject body(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    if (body == null) {
      throw Problems.badRequest("malformed_json", "The request body must be a JSON object.");
    }
    return body;
  }

  /** Blocking work that may throw; run on a virtual thread. */
  interface Work<T, R> {
    R apply(T input) throws Exception;
  }

  private <T> Future<JsonObject> admitted(T input, Work<T, JsonObject> work) {
    if (!service.pool().tryEnter()) {
      return Future.failedFuture(Problems.unavailable("sandbox_busy", "Every sandbox slot and queue place is taken.", 1));
    }
    CompletableFuture<JsonObject> result = CompletableFuture.supplyAsync(() -> {
      try {
        return work.apply(input);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking);
    result.whenComplete((ok, failure) -> service.pool().leave());
    return Future.fromCompletionStage(result, vertx.getOrCreateContext())
        .recover(failure -> Future.failedFuture(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure));
  }
}
