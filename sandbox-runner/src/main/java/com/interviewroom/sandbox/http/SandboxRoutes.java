package com.interviewroom.sandbox.http;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.ProblemHandler;
import com.interviewroom.common.http.Problems;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.common.wire.InternalPaths;
import com.interviewroom.sandbox.ObserverLane;
import com.interviewroom.sandbox.Readiness;
import com.interviewroom.sandbox.SandboxService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * The private API. Every {@code /v1} call carries the runner's token. Validation runs on the event
 * loop (cheap); everything that touches a process runs off it, admitted only while a slot or a
 * queue place is free (otherwise 503 at once).
 */
public final class SandboxRoutes {
  public static final int BODY_LIMIT = 256 * 1024;

  private final Vertx vertx;
  private final SandboxService service;
  private final Readiness readiness;
  private final byte[] token;
  private final ExecutorService blocking;

  /**
   * @param service null when the runner cannot run code here (runs then answer 503 naming what is
   *     missing)
   * @param token the credential every {@code /v1} call carries as {@code Authorization: Bearer
   *     <token>}
   */
  public SandboxRoutes(
      Vertx vertx,
      SandboxService service,
      Readiness readiness,
      String token,
      ExecutorService blocking) {
    this.vertx = vertx;
    this.service = service;
    this.readiness = readiness;
    this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.blocking = blocking;
  }

  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.route(InternalPaths.SANDBOX_API_ALL).handler(this::authenticate);
    router
        .route(InternalPaths.SANDBOX_API_ALL)
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router
        .post(InternalPaths.SANDBOX_RUN)
        .respond(
            ctx ->
                admitted(
                    RequestParser.run(body(ctx)), request -> ResultJson.run(service.run(request))));
    router
        .post(InternalPaths.SANDBOX_CHECK)
        .respond(ctx -> observed(RequestParser.check(body(ctx))));
    router
        .get(InternalPaths.SANDBOX_RUNTIMES)
        .respond(
            ctx ->
                Future.succeededFuture(
                    service == null
                        ? ResultJson.runtimes(java.util.List.of(), false, false)
                        : ResultJson.runtimes(
                            service.runtimes().all(),
                            service.cgroupsEnabled(),
                            service.workDirsSizeCapped())));
    router.get(InternalPaths.SANDBOX_HEALTH).handler(this::health);
    router.route().failureHandler(new ProblemHandler());
    return router;
  }

  /**
   * A constant-time comparison of the whole header; anything else is a 401 before the body is read.
   */
  private void authenticate(RoutingContext ctx) {
    String given = ctx.request().getHeader("Authorization");
    if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
      ctx.fail(Problems.unauthorized("The sandbox runner's API needs its token (SANDBOX_TOKEN)."));
      return;
    }
    ctx.next();
  }

  /**
   * Liveness and readiness in one: 200 while at least one language really runs (a trivial run per
   * language, reused for a few seconds), 503 when none can, naming what is missing.
   */
  private void health(RoutingContext ctx) {
    Future.fromCompletionStage(readiness.current(), vertx.getOrCreateContext())
        .onComplete(
            done -> {
              JsonObject body =
                  done.succeeded()
                      ? done.result().copy()
                      : new JsonObject()
                          .put("status", "down")
                          .put("missing", new io.vertx.core.json.JsonArray(readiness.missing()));
              body.put("admitted", service == null ? 0 : service.pool().admitted());
              ctx.response()
                  .setStatusCode("down".equals(body.getString("status")) ? 503 : 200)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(body.encode());
            });
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

  /**
   * Syntax checks are the code observer's (one per sampled edit): they never take an execution's
   * queue place. The service's observer lane admits them (per session, per user, a few at once,
   * each after every waiting execution); its refusals are 429 for the caller's own limits (with the
   * rule in {@code code}: {@code observer_superseded}, {@code observer_user_limit}) and 503 when it
   * is full.
   */
  private Future<JsonObject> observed(RequestParser.Check check) {
    if (service == null) {
      return Future.failedFuture(
          Problems.unavailable(
              "sandbox_unavailable",
              "Code execution is unavailable on this server; it lacks "
                  + String.join("; ", readiness.missing()),
              30));
    }
    CompletableFuture<JsonObject> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ResultJson.check(
                    service.observe(check.language(), check.code(), check.session(), check.user()));
              } catch (ObserverLane.Refused refused) {
                throw new CompletionException(
                    refused.status() == 429
                        ? new ApiException(
                            429, refused.code(), "Too Many Requests", refused.getMessage(), null, 1)
                        : Problems.unavailable(refused.code(), refused.getMessage(), 1));
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            blocking);
    return Future.fromCompletionStage(result, vertx.getOrCreateContext())
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof CompletionException c && c.getCause() != null
                        ? c.getCause()
                        : failure));
  }

  private <T> Future<JsonObject> admitted(T input, Work<T, JsonObject> work) {
    if (service == null) {
      return Future.failedFuture(
          Problems.unavailable(
              "sandbox_unavailable",
              "Code execution is unavailable on this server; it lacks "
                  + String.join("; ", readiness.missing()),
              30));
    }
    if (!service.pool().tryEnter()) {
      return Future.failedFuture(
          Problems.unavailable("sandbox_busy", "Every sandbox slot and queue place is taken.", 1));
    }
    CompletableFuture<JsonObject> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return work.apply(input);
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            blocking);
    result.whenComplete((ok, failure) -> service.pool().leave());
    return Future.fromCompletionStage(result, vertx.getOrCreateContext())
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof CompletionException c && c.getCause() != null
                        ? c.getCause()
                        : failure));
  }
}
