package com.interviewroom.edge.auth;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-user token epoch: {@link #revokeAll} records "every token of this user issued up to now is
 * void" in Redis ({@code auth:revoked:<SHA-256 of the user id>} = epoch milliseconds; the key does
 * not name the deleted user), and {@link #check} runs on every authenticated request, refusing a
 * token whose {@code iat} is not after it with {@code 401 token_revoked}. Account deletion uses it,
 * so a deleted account's access tokens stop working at once instead of living out their lifetime.
 *
 * <p>Each node remembers an answer for {@link #CACHE_FOR} (a revocation made on another node is
 * seen within that time; one made on this node at once). The key lives {@link #KEEP_FOR}, longer
 * than any access token we accept. Redis down: fail open (logged at most every 10 s), like the rate
 * limits; the account's rows are gone anyway, so such a token reaches no data.
 */
public final class TokenRevocations {
  private static final Logger log = LoggerFactory.getLogger(TokenRevocations.class);
  static final Duration CACHE_FOR = Duration.ofSeconds(2);
  static final Duration KEEP_FOR = Duration.ofHours(24);
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
  private static final int MAX_CACHED = 10_000;
  private static final String PREFIX = "auth:revoked:";

  private record Known(long revokedAtMillis, long validUntilNanos) {}

  /**
   * One per Vert.x instance, so a revocation made by one edge verticle instance is seen by its
   * siblings at once.
   */
  private static final Map<Vertx, TokenRevocations> INSTANCES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final Redis redis;
  private final Clock clock;
  private final Map<UUID, Known> cache = new ConcurrentHashMap<>();
  private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());

  private TokenRevocations(Redis redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  public static TokenRevocations of(Vertx vertx, Redis redis, Clock clock) {
    return INSTANCES.computeIfAbsent(vertx, v -> new TokenRevocations(redis, clock));
  }

  /**
   * Voids every token of {@code userId} issued until now; completes once Redis has it, or fails
   * with {@code 503 revocation_unavailable} (Retry-After 5) when Redis cannot record it.
   */
  public Future<Void> revokeAll(UUID userId) {
    long now = clock.millis();
    Future<Response> stored;
    try {
      stored =
          redis.send(
              Request.cmd(Command.SET)
                  .arg(key(userId))
                  .arg(now)
                  .arg("PX")
                  .arg(KEEP_FOR.toMillis()));
    } catch (RuntimeException e) {
      stored = Future.failedFuture(e);
    }
    return stored
        .timeout(REDIS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .onSuccess(ok -> remember(userId, new Known(now, System.nanoTime() + KEEP_FOR.toNanos())))
        .<Void>mapEmpty()
        .recover(
            failure -> {
              log.warn(
                  "token revocation not recorded, Redis unavailable {}",
                  kv("error", String.valueOf(failure.getMessage())));
              return Future.failedFuture(
                  Problems.unavailable(
                      "revocation_unavailable",
                      "Signing this account out everywhere is not possible right now, so nothing was deleted. Try again shortly.",
                      5));
            });
  }

  /**
   * Fails with 401 {@code token_revoked} when a token of {@code userId} issued at {@code issuedAt}
   * was revoked; otherwise completes with the user's last revocation time (0: never revoked).
   */
  public Future<Long> check(UUID userId, Instant issuedAt) {
    Known known = cache.get(userId);
    if (known != null && known.validUntilNanos() - System.nanoTime() > 0) {
      return verdict(known.revokedAtMillis(), issuedAt);
    }
    Future<Response> lookup;
    try {
      lookup = redis.send(Request.cmd(Command.GET).arg(key(userId)));
    } catch (RuntimeException e) {
      lookup = Future.failedFuture(e);
    }
    return lookup
        .timeout(REDIS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .map(reply -> reply == null ? 0L : reply.toLong())
        .onSuccess(
            revokedAt ->
                remember(userId, new Known(revokedAt, System.nanoTime() + CACHE_FOR.toNanos())))
        .recover(
            failure -> {
              long now = System.nanoTime();
              long due = nextLogNanos.get();
              if (now - due >= 0
                  && nextLogNanos.compareAndSet(due, now + TimeUnit.SECONDS.toNanos(10))) {
                log.warn(
                    "token revocation not checked, Redis unavailable {}",
                    kv("error", String.valueOf(failure.getMessage())));
              }
              return Future.succeededFuture(0L);
            })
        .compose(revokedAt -> verdict(revokedAt, issuedAt));
  }

  private static String key(UUID userId) {
    return PREFIX + Hashing.sha256Hex(userId.toString());
  }

  private void remember(UUID userId, Known known) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.merge(
        userId,
        known,
        (old, fresh) -> old.revokedAtMillis() > fresh.revokedAtMillis() ? old : fresh);
  }

  private static Future<Long> verdict(long revokedAtMillis, Instant issuedAt) {
    // a token that says only its second (another issuer's) counts as before a revocation in that
    // second
    if (revokedAtMillis > 0 && (issuedAt == null || issuedAt.toEpochMilli() <= revokedAtMillis)) {
      return Future.failedFuture(
          new ApiException(
              401,
              "token_revoked",
              "Unauthorized",
              "This token was revoked (the account was deleted or signed out everywhere).",
              new JsonObject(),
              null));
    }
    return Future.succeededFuture(revokedAtMillis);
  }
}
