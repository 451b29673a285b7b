package com.interviewroom.edge.session;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes sessions nobody closed: {@code active} ones past their deadline plus a grace period become
 * {@code completed} (reason {@code time_expired}); {@code scheduled} ones never started within an
 * hour become {@code abandoned} (reason {@code never_started}). Each sweep is one statement per kind
 * that locks its rows with {@code SKIP LOCKED} and updates them, so any number of instances can run
 * it at once and each session is closed, logged and announced exactly once.
 */
public final class SessionSweeper extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);
  public static final Duration INTERVAL = Duration.ofSeconds(30);
  public static final Duration GRACE = Duration.ofMinutes(2);
  public static final Duration NEVER_STARTED = Duration.ofHours(1);
  static final int BATCH = 500;
  static final String TIME_EXPIRED = "time_expired";
  static final String NEVER_STARTED_REASON = "never_started";

  static {
    // the statements below hard-code these moves; the status machine must allow them
    SessionStatus.ACTIVE.require(SessionStatus.COMPLETED);
    SessionStatus.SCHEDULED.require(SessionStatus.ABANDONED);
  }

  private static final String EXPIRE = """
      WITH expired AS (
        UPDATE sessions s
           SET status = 'completed', ended_at = now(), end_reason = $3, updated_at = now(),
               duration_seconds = greatest(0, extract(epoch FROM least(now(), s.deadline_at) - s.started_at))::int
         WHERE s.status = 'active'
           AND s.id IN (SELECT id FROM sessions
                         WHERE status = 'active' AND deadline_at < now() - make_interval(secs => $1)
                         ORDER BY deadline_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING s.id, s.user_id),
      logged AS (
        INSERT INTO events (user_id, session_id, kind, payload)
        SELECT user_id, id, 'session.ended',
               json_build_object('from', 'active', 'status', 'completed', 'reason', $3::text)::jsonb
          FROM expired)
      SELECT id, user_id FROM expired""";
  private static final String ABANDON = """
      WITH stale AS (
        UPDATE sessions s
           SET status = 'abandoned', ended_at = now(), end_reason = $3, duration_seconds = 0, updated_at = now()
         WHERE s.status = 'scheduled'
           AND s.id IN (SELECT id FROM sessions
                         WHERE status = 'scheduled' AND created_at < now() - make_interval(secs => $1)
                         LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING s.id, s.user_id),
      logged AS (
        INSERT INTO events (user_id, session_id, kind, payload)
        SELECT user_id, id, 'session.ended',
               json_build_object('from', 'scheduled', 'status', 'abandoned', 'reason', $3::text)::jsonb
          FROM stale)
      SELECT id, user_id FROM stale""";

  private final Database db;
  private final Redis redis;
  private final Duration interval;
  private EventStream stream;
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
    stream = new EventStream(redis);
    timer = vertx.setPeriodic(interval.toMillis(), id -> {
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

  record Closed(UUID sessionId, UUID userId, SessionStatus status, String reason) {}

  /** One sweep; completes with the sessions it closed (also logged and announced). */
  public Future<List<Closed>> sweep() {
    return sweep(db, stream == null ? new EventStream(redis) : stream, redis);
  }

  static Future<List<Closed>> sweep(Database db, EventStream stream, Redis redis) {
    return db.asService(sql -> close(sql, EXPIRE, GRACE, SessionStatus.COMPLETED, TIME_EXPIRED)
            .compose(expired -> close(sql, ABANDON, NEVER_STARTED, SessionStatus.ABANDONED, NEVER_STARTED_REASON)
                .map(stale -> {
                  List<Closed> all = new ArrayList<>(expired);
                  all.addAll(stale);
                  return all;
                })))
        .compose(closed -> Future.join(closed.stream()
                .map(c -> SessionService.announceEnd(stream, redis, Actor.system(c.userId()), c.sessionId(), c.status(), c.reason()))
                .toList())
            .map(closed))
        .onSuccess(closed -> {
          if (!closed.isEmpty()) {
            log.info("sweeper closed sessions {}", kv("count", closed.size()));
          }
        })
        .onFailure(failure -> log.warn("sweep failed {}", kv("error", failure.toString())));
  }

  private static Future<List<Closed>> close(SqlClient sql, String statement, Duration age, SessionStatus status, String reason) {
    return sql.preparedQuery(statement).execute(Tuple.of(age.toSeconds(), BATCH, reason))
        .map(rows -> {
          List<Closed> closed = new ArrayList<>();
          for (Row row : rows) {
            closed.add(new Closed(row.getUUID("id"), row.getUUID("user_id"), status, reason));
          }
          return closed;
        });
  }
}
