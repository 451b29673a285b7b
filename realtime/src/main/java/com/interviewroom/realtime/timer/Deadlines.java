package com.interviewroom.realtime.timer;

import com.interviewroom.session.signal.SessionKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The server-authoritative deadline of each session, in Redis ({@code session:{id}:deadline}, epoch
 * ms): every node computes the remaining time from it, so a reconnect or a node restart resumes the
 * clock instead of resetting it. Time warnings are claimed with {@code SET NX}, so a reconnect or a
 * second node never repeats one.
 */
public final class Deadlines {
  /** Keys outlive the deadline by this much, then Redis forgets an abandoned session by itself. */
  static final Duration GRACE = Duration.ofHours(1);

  private final Redis redis;
  private final Clock clock;

  public Deadlines(Redis redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  public static String deadlineKey(UUID sessionId) {
    return SessionKeys.deadline(sessionId);
  }

  public static String warningKey(UUID sessionId, Duration threshold) {
    return SessionKeys.warning(sessionId, threshold);
  }

  /** On activation the database's deadline becomes the authority; afterwards it is only read. */
  public Future<Long> publish(UUID sessionId, Instant deadline) {
    long ms = deadline.toEpochMilli();
    return redis
        .send(Request.cmd(Command.SET).arg(deadlineKey(sessionId)).arg(ms).arg("PX").arg(ttlMs(ms)))
        .map(ms);
  }

  /**
   * The deadline in Redis; when Redis lost it (restart, flush), restored from the database's copy.
   */
  public Future<Long> resolve(UUID sessionId, Instant fallback) {
    return redis
        .send(Request.cmd(Command.GET).arg(deadlineKey(sessionId)))
        .compose(
            found -> {
              if (found != null) {
                return Future.succeededFuture(found.toLong());
              }
              if (fallback == null) {
                return Future.failedFuture(
                    new IllegalStateException("the session has no deadline"));
              }
              long ms = fallback.toEpochMilli();
              return redis
                  .send(
                      Request.cmd(Command.SET)
                          .arg(deadlineKey(sessionId))
                          .arg(ms)
                          .arg("PX")
                          .arg(ttlMs(ms))
                          .arg("NX"))
                  .compose(
                      set ->
                          set != null
                              ? Future.succeededFuture(ms)
                              : redis
                                  .send(Request.cmd(Command.GET).arg(deadlineKey(sessionId)))
                                  .map(Response::toLong));
            });
  }

  /** True for exactly one caller per session and threshold. */
  public Future<Boolean> claimWarning(UUID sessionId, Duration threshold, long deadlineMs) {
    return redis
        .send(
            Request.cmd(Command.SET)
                .arg(warningKey(sessionId, threshold))
                .arg("1")
                .arg("PX")
                .arg(ttlMs(deadlineMs))
                .arg("NX"))
        .map(response -> response != null);
  }

  private long ttlMs(long deadlineMs) {
    return Math.max(1, deadlineMs - clock.millis()) + GRACE.toMillis();
  }
}
