package com.interviewroom.edge.ratelimit;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.http.Problems;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.edge.web.RequestUser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user request limits shared by every edge node through Redis: a fixed window per user and
 * scope, counted by one Lua script (INCR, then PEXPIRE on the window's first hit) so the count and
 * its expiry are atomic and a key never outlives its window.
 *
 * <p>Use after {@code BearerAuth}: {@link #general()} on every authenticated route (ApiRoutes does
 * this), {@link #strict()} in addition on the expensive ones (session start, code execution).
 *
 * <p><b>Redis down → fail open.</b> The limits protect capacity, not money: credits are enforced in
 * Postgres by the ledger, so losing Redis must not take the whole API down with it. A Redis that
 * refuses or errors, or that has not answered within {@link #REDIS_TIMEOUT}, lets the request
 * through, counts {@code interviewroom_ratelimit_unavailable_total{scope, reason=error|timeout}}
 * (which an alert watches) and logs a warning, at most one line per {@link #LOG_EVERY} with the
 * number let through since the last. The timeout is far above Redis's normal sub-millisecond reply
 * and a busy machine's pauses, so a slow moment waits for the count instead of skipping the limit.
 */
public final class RateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

  public static final Limit GENERAL = new Limit("general", 60, Duration.ofMinutes(1));
  public static final Limit STRICT = new Limit("strict", 10, Duration.ofMinutes(1));

  /** Anonymous callers of the public catalog routes, per client IP ({@link ClientIp}). */
  public static final Limit PUBLIC_PER_IP = new Limit("public-ip", 120, Duration.ofMinutes(1));

  static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
  static final Duration LOG_EVERY = Duration.ofSeconds(10);

  /** Returns {count in this window, milliseconds until the window resets}. */
  static final String SCRIPT =
      """
      local n = redis.call('INCR', KEYS[1])
      if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
      local ttl = redis.call('PTTL', KEYS[1])
      if ttl < 0 then
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        ttl = tonumber(ARGV[1])
      end
      return {n, ttl}""";

  /** How many requests one user may make per window in one scope. */
  public record Limit(String scope, int requests, Duration window) {}

  private final Redis redis;
  private final String keyPrefix;
  private final MeterRegistry registry;
  private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong unloggedFailOpens = new AtomicLong();

  public RateLimiter(Redis redis, MeterRegistry registry) {
    this(redis, registry, "ratelimit");
  }

  public RateLimiter(Redis redis, MeterRegistry registry, String keyPrefix) {
    this.redis = redis;
    this.registry = registry;
    this.keyPrefix = keyPrefix;
  }

  public Handler<RoutingContext> general() {
    return limit(GENERAL);
  }

  public Handler<RoutingContext> strict() {
    return limit(STRICT);
  }

  public Handler<RoutingContext> limit(Limit limit) {
    return limit(limit, ctx -> RequestUser.of(ctx).id().toString());
  }

  /**
   * A limit counted per key that {@code keyOf} derives from the request (after authentication), for
   * example per user and session. Keys should include the user id, so nobody can spend another
   * user's allowance.
   */
  public Handler<RoutingContext> limit(
      Limit limit, java.util.function.Function<RoutingContext, String> keyOf) {
    Counter rejected =
        Counter.builder("interviewroom.ratelimit.rejected")
            .tag("scope", limit.scope())
            .description("Requests refused with 429")
            .register(registry);
    return ctx -> {
      String key = keyPrefix + ":" + limit.scope() + ":" + keyOf.apply(ctx);
      count(key, limit.window())
          .onSuccess(
              window -> {
                ctx.response()
                    .putHeader("X-RateLimit-Limit", String.valueOf(limit.requests()))
                    .putHeader(
                        "X-RateLimit-Remaining",
                        String.valueOf(Math.max(0, limit.requests() - window.count())));
                if (window.count() > limit.requests()) {
                  rejected.increment();
                  int retryAfter =
                      (int)
                          Math.max(1, TimeUnit.MILLISECONDS.toSeconds(window.resetMillis() + 999));
                  ctx.fail(
                      Problems.tooManyRequests(
                          "Too many requests: at most "
                              + limit.requests()
                              + " per "
                              + limit.window().toSeconds()
                              + " seconds here. Try again in "
                              + retryAfter
                              + " seconds.",
                          retryAfter));
                  return;
                }
                ctx.next();
              })
          .onFailure(
              failure -> {
                failOpen(limit, RequestIds.of(ctx), failure);
                ctx.next();
              });
    };
  }

  /**
   * Spends one unit of {@code limit} for {@code key} inside a service (after validation, so a
   * refused request does not use up the allowance). Fails with 429 past the limit; fails open, like
   * the handlers, when Redis cannot count.
   */
  public Future<Void> consume(Limit limit, String key) {
    return consume(limit, key, "runs");
  }

  /**
   * As {@link #consume(Limit, String)}; {@code what} names the counted thing in the 429's detail
   * ("login attempts").
   */
  public Future<Void> consume(Limit limit, String key, String what) {
    return countOrFailOpen(limit, key)
        .compose(
            window -> {
              if (window.count() <= limit.requests()) {
                return Future.succeededFuture();
              }
              int retryAfter =
                  (int) Math.max(1, TimeUnit.MILLISECONDS.toSeconds(window.resetMillis() + 999));
              return Future.failedFuture(
                  Problems.tooManyRequests(
                      "Too many "
                          + what
                          + ": at most "
                          + limit.requests()
                          + " per "
                          + limit.window().toSeconds()
                          + " seconds. Try again in "
                          + retryAfter
                          + " seconds.",
                      retryAfter));
            });
  }

  /**
   * Spends one unit and tells whether it was still within {@code limit}, without refusing anything
   * (the cap on free-credit sign-ups). Fails open (true) when Redis cannot count.
   */
  public Future<Boolean> within(Limit limit, String key) {
    return countOrFailOpen(limit, key).map(window -> window.count() <= limit.requests());
  }

  private Future<Window> countOrFailOpen(Limit limit, String key) {
    return count(keyPrefix + ":" + limit.scope() + ":" + key, limit.window())
        .recover(
            failure -> {
              failOpen(limit, null, failure);
              return Future.succeededFuture(new Window(0, 0));
            });
  }

  private record Window(long count, long resetMillis) {}

  /**
   * Deletes every counter of {@code userId} in every scope (keys {@code prefix:scope:userId...},
   * found with SCAN so scopes added elsewhere are covered too), for the account deletion. Completes
   * with the number of keys removed.
   */
  public Future<Long> forget(UUID userId) {
    return forget(keyPrefix + ":*:" + userId + "*", "0", 0);
  }

  private Future<Long> forget(String pattern, String cursor, long removed) {
    return redis
        .send(
            Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000))
        .compose(
            page -> {
              String next = page.get(0).toString();
              List<String> keys = new ArrayList<>();
              page.get(1).forEach(key -> keys.add(key.toString()));
              Future<Long> unlinked =
                  keys.isEmpty()
                      ? Future.succeededFuture(0L)
                      : redis
                          .send(Request.cmd(Command.UNLINK, keys.toArray()))
                          .map(Response::toLong);
              return unlinked.compose(
                  n ->
                      "0".equals(next)
                          ? Future.succeededFuture(removed + n)
                          : forget(pattern, next, removed + n));
            });
  }

  /**
   * Lets one request through uncounted: the metric always, a log line at most every {@link
   * #LOG_EVERY}.
   */
  private void failOpen(Limit limit, String requestId, Throwable failure) {
    String reason = failure instanceof TimeoutException ? "timeout" : "error";
    Counter.builder("interviewroom.ratelimit.unavailable")
        .description("Requests let through because Redis could not count them (fail open)")
        .tag("scope", limit.scope())
        .tag("reason", reason)
        .register(registry)
        .increment();
    unloggedFailOpens.incrementAndGet();
    long now = System.nanoTime();
    long due = nextLogNanos.get();
    if (now - due >= 0 && nextLogNanos.compareAndSet(due, now + LOG_EVERY.toNanos())) {
      long letThrough = unloggedFailOpens.getAndSet(0);
      log.warn(
          "rate limit not enforced, Redis unavailable {} {} {} {} {}",
          kv("requestId", requestId),
          kv("scope", limit.scope()),
          kv("reason", reason),
          kv("letThrough", letThrough),
          kv("error", String.valueOf(failure.getMessage())));
    }
  }

  private Future<Window> count(String key, Duration window) {
    Future<Response> reply;
    try {
      reply =
          redis.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key).arg(window.toMillis()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return reply
        .timeout(REDIS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .map(response -> new Window(response.get(0).toLong(), response.get(1).toLong()));
  }
}
