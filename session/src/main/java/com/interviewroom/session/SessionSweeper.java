package com.interviewroom.session;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.schema.Database;
import com.interviewroom.session.model.SessionStatus;
import com.interviewroom.session.signal.SessionEnds;
import com.interviewroom.session.store.SessionTransitionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes sessions nobody closed: {@code active} ones past their deadline plus a grace period become
 * {@code completed} (reason {@code time_expired}); {@code scheduled} ones never started within an
 * hour become {@code abandoned} (reason {@code never_started}). The moves are the {@link
 * SessionTransitionStore} bulk statements, which lock their rows with {@code SKIP LOCKED}, so any
 * number of instances can run them at once and each session is closed, logged and announced exactly
 * once. Each sweep also announces ended sessions whose {@code session.ended} never went out (their
 * node died between the end and the announcement).
 */
public final class SessionSweeper extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);
  public static final Duration INTERVAL = Duration.ofSeconds(30);
  public static final Duration GRACE = Duration.ofMinutes(2);
  public static final Duration NEVER_STARTED = Duration.ofHours(1);

  /** Longer than any socket needs to store its final code and transcript after an end. */
  public static final Duration UNANNOUNCED = Duration.ofSeconds(30);

  static final int BATCH = 500;
  static final String TIME_EXPIRED = "time_expired";
  static final String NEVER_STARTED_REASON = "never_started";

  private final Database db;
  private final Redis redis;
  private final Duration interval;
  private SessionEnds ends;
  private long timer = -1;
  private boolean sweeping;

  public SessionSweeper(Database db, Redis redis) {
    this(db, redis, INTERVAL);
  }

  public SessionSweeper(Database db, Redis redis, Duration interval) {
    this.db = db;
    this.redis = redis;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    ends = new SessionEnds(db, redis);
    timer =
        vertx.setPeriodic(
            interval.toMillis(),
            id -> {
              // a slow sweep is not overlapped by the next tick
              if (!sweeping) {
                sweeping = true;
                sweep().onComplete(done -> sweeping = false);
              }
            });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  public record Closed(UUID sessionId, UUID userId, SessionStatus status, String reason) {}

  /** One sweep; completes with the sessions it closed (also logged and announced). */
  public Future<List<Closed>> sweep() {
    return sweep(db, ends == null ? new SessionEnds(db, redis) : ends);
  }

  static Future<List<Closed>> sweep(Database db, SessionEnds ends) {
    return db.asService(
            sql ->
                SessionTransitionStore.expireOverdue(sql, GRACE, BATCH, TIME_EXPIRED)
                    .compose(
                        expired ->
                            SessionTransitionStore.abandonUnstarted(
                                    sql, NEVER_STARTED, BATCH, NEVER_STARTED_REASON)
                                .map(
                                    stale -> {
                                      List<Closed> all = new ArrayList<>();
                                      expired.forEach(e -> all.add(closed(e)));
                                      stale.forEach(e -> all.add(closed(e)));
                                      return all;
                                    })))
        .compose(
            closed ->
                Future.join(
                        closed.stream()
                            .map(c -> ends.afterEnd(c.sessionId(), null, c.reason()))
                            .toList())
                    .transform(announced -> ends.announceStragglers(UNANNOUNCED, BATCH))
                    .map(closed))
        .onSuccess(
            closed -> {
              if (!closed.isEmpty()) {
                log.info("sweeper closed sessions {}", kv("count", closed.size()));
              }
            })
        .onFailure(failure -> log.warn("sweep failed {}", kv("error", failure.toString())));
  }

  private static Closed closed(SessionTransitionStore.Ended ended) {
    return new Closed(ended.sessionId(), ended.userId(), ended.status(), ended.endReason());
  }
}
