package com.interviewroom.edge.internal;

import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.internal.InternalClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.function.Function;

/**
 * Runs an internal endpoint at most once per {@code Idempotency-Key}. The first request claims the
 * key with {@code SET NX}: an in-progress marker on a short lease that the node renews while the
 * work runs, so a slow evaluation keeps its claim however long it takes, while a crashed node's
 * claim lapses within one lease and the redelivered work can run. The reply is then stored for 24 h
 * and every replay gets it. A concurrent twin polls briefly for the stored reply, then gets 409 and
 * retries later. Failures (5xx) release the claim so a retry runs the work again.
 *
 * <p>The claim and the stored reply carry the SHA-256 of the request body: a key reused with
 * another body is refused with 422 {@code idempotency_key_reused} instead of silently answering
 * with the first request's reply.
 */
public final class Idempotency {
  static final String IN_PROGRESS = "in-progress";
  static final long RESULT_TTL_SECONDS = 24 * 3600;

  /** The in-progress claim's lease; renewed every third of it while the work runs. */
  static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /**
   * Renews the lease only while the key still holds the in-progress marker, never a stored reply.
   */
  private static final String RENEW =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end""";

  private static final long POLL_MS = 100;
  private static final int POLLS = 50;

  private final Vertx vertx;
  private final Redis redis;
  private final Duration lease;

  public Idempotency(Vertx vertx, Redis redis) {
    this(vertx, redis, DEFAULT_LEASE);
  }

  Idempotency(Vertx vertx, Redis redis, Duration lease) {
    this.vertx = vertx;
    this.redis = redis;
    this.lease = lease;
  }

  public Handler<RoutingContext> wrap(Function<RoutingContext, Future<InternalReply>> work) {
    return ctx -> {
      String key =
          redisKey(ctx.normalizedPath(), ctx.request().getHeader(InternalClient.IDEMPOTENCY_KEY));
      String fingerprint =
          Hashing.sha256Hex(
              ctx.body() == null || ctx.body().buffer() == null
                  ? new byte[0]
                  : ctx.body().buffer().getBytes());
      claim(key, fingerprint)
          .compose(
              claimed ->
                  claimed
                      ? runAndStore(key, fingerprint, ctx, work)
                      : awaitStored(key, fingerprint, POLLS))
          .onSuccess(
              reply ->
                  ctx.response()
                      .setStatusCode(reply.status())
                      .putHeader("Content-Type", "application/json")
                      .end(reply.body().encode()))
          .onFailure(ctx::fail);
    };
  }

  static String redisKey(String path, String idempotencyKey) {
    return "internal-idem:" + Hashing.sha256Hex(path + "\n" + idempotencyKey);
  }

  private static String marker(String fingerprint) {
    return IN_PROGRESS + ":" + fingerprint;
  }

  private Future<Boolean> claim(String key, String fingerprint) {
    return redis
        .send(
            Request.cmd(Command.SET)
                .arg(key)
                .arg(marker(fingerprint))
                .arg("NX")
                .arg("PX")
                .arg(lease.toMillis()))
        .map(response -> response != null);
  }

  private Future<InternalReply> runAndStore(
      String key,
      String fingerprint,
      RoutingContext ctx,
      Function<RoutingContext, Future<InternalReply>> work) {
    long renewing =
        vertx.setPeriodic(Math.max(1, lease.toMillis() / 3), id -> renew(key, fingerprint));
    Future<InternalReply> result;
    try {
      result = work.apply(ctx);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result
        .andThen(done -> vertx.cancelTimer(renewing))
        .compose(
            reply ->
                reply.status() >= 500 ? release(key).map(reply) : store(key, fingerprint, reply))
        .recover(
            failure ->
                storeFailure(key, fingerprint, failure)
                    .compose(ignored -> Future.failedFuture(failure)));
  }

  /** A client error (400) is as final as a success; anything else may succeed on a retry. */
  private Future<Void> storeFailure(String key, String fingerprint, Throwable failure) {
    if (failure instanceof ApiException api && api.status() < 500 && api.status() != 409) {
      // the same problem document the failure handler writes for the first request (minus its
      // requestId)
      JsonObject body =
          new JsonObject()
              .put("type", "https://interviewroom.dev/problems/" + api.code().replace('_', '-'))
              .put("title", api.title())
              .put("status", api.status())
              .put("detail", api.detail())
              .put("code", api.code())
              .mergeIn(api.extensions());
      return store(key, fingerprint, new InternalReply(api.status(), body)).mapEmpty();
    }
    return release(key);
  }

  private Future<InternalReply> store(String key, String fingerprint, InternalReply reply) {
    String stored = reply.toJson().put("fingerprint", fingerprint).encode();
    return redis
        .send(Request.cmd(Command.SET).arg(key).arg(stored).arg("EX").arg(RESULT_TTL_SECONDS))
        .map(reply);
  }

  private void renew(String key, String fingerprint) {
    redis
        .send(
            Request.cmd(Command.EVAL)
                .arg(RENEW)
                .arg(1)
                .arg(key)
                .arg(marker(fingerprint))
                .arg(lease.toMillis()))
        .onFailure(e -> {}); // the next renewal tries again; a lapsed claim only risks a rerun of
    // idempotent work
  }

  private Future<Void> release(String key) {
    return redis.send(Request.cmd(Command.DEL).arg(key)).mapEmpty();
  }

  private Future<InternalReply> awaitStored(String key, String fingerprint, int pollsLeft) {
    return redis
        .send(Request.cmd(Command.GET).arg(key))
        .compose(
            value -> {
              String text = value == null ? null : value.toString();
              boolean inProgress = text != null && text.startsWith(IN_PROGRESS);
              JsonObject stored = text == null || inProgress ? null : new JsonObject(text);
              String claimedFor =
                  inProgress
                      ? (text.startsWith(IN_PROGRESS + ":")
                          ? text.substring(IN_PROGRESS.length() + 1)
                          : null)
                      : stored == null ? null : stored.getString("fingerprint");
              if (claimedFor != null && !claimedFor.equals(fingerprint)) {
                return Future.failedFuture(
                    new ApiException(
                        422,
                        "idempotency_key_reused",
                        "Unprocessable Content",
                        "This Idempotency-Key was used with a different request body."));
              }
              if (stored != null) {
                return Future.succeededFuture(InternalReply.fromJson(stored));
              }
              if (text == null || pollsLeft <= 0) {
                // released after a failure, or still running: the caller retries later
                return Future.failedFuture(
                    new ApiException(
                        409,
                        "idempotency_in_progress",
                        "Conflict",
                        "A request with this Idempotency-Key is in progress."));
              }
              return vertx
                  .timer(POLL_MS)
                  .compose(ignored -> awaitStored(key, fingerprint, pollsLeft - 1));
            });
  }
}
