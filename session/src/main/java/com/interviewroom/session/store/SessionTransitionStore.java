package com.interviewroom.session.store;

import com.interviewroom.session.model.ConcurrentChange;
import com.interviewroom.session.model.NoSuchSession;
import com.interviewroom.session.model.SessionStatus;
import com.interviewroom.session.model.Transition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Every write of {@code sessions.status}, for the edge and the realtime gateway alike. Each move is
 * checked against {@link SessionStatus} and written as a compare-and-set on the old status, so a
 * concurrent change can never slip an illegal step through; each appends its {@code events} row
 * ({@link Transition#eventKind()}, {@code credit.refunded}) in the same transaction. The caller
 * owns the transaction and picks the role: ending runs as the user on the REST path (row-level
 * security lets a user end only their own live session); activation, errors, refunds, the sweeper's
 * bulk moves and the end announcement need the service role.
 */
public final class SessionTransitionStore {
  private static final String CURRENT =
      """
      SELECT id, user_id, status, ended_at, coalesce(duration_seconds, 0) AS duration_seconds, end_reason,
             credit_charged, credit_refunded
        FROM sessions WHERE id = $1""";
  private static final String LOCKED = CURRENT + " FOR UPDATE";
  private static final String ACTIVATE =
      """
      UPDATE sessions s
         SET status = 'active', started_at = now(), updated_at = now(),
             deadline_at = now() + make_interval(mins => p.duration_minutes)
        FROM problems p
       WHERE s.id = $1 AND s.status = 'scheduled' AND p.id = s.problem_id
      RETURNING s.user_id, s.started_at, s.deadline_at""";
  // time after the deadline is not interview time
  private static final String DURATION =
      """
      CASE WHEN started_at IS NULL THEN 0
           ELSE greatest(0, extract(epoch FROM least(now(), coalesce(deadline_at, now())) - started_at))::int END""";
  private static final String FINISH =
      """
      UPDATE sessions
         SET status = $3, ended_at = now(), end_reason = $4, updated_at = now(), duration_seconds = %s
       WHERE id = $1 AND status = $2
      RETURNING id, user_id, status, ended_at, duration_seconds, end_reason"""
          .formatted(DURATION);
  // both unique indexes of the ledger (idempotency key, one refund per session) make a second
  // refund a no-op
  private static final String REFUND =
      """
      WITH refund AS (
        INSERT INTO credit_transactions (user_id, delta, reason, session_id, idempotency_key)
        VALUES ($1, 1, 'refund', $2::uuid, 'refund:' || $2::uuid::text)
        ON CONFLICT DO NOTHING RETURNING id)
      UPDATE sessions SET credit_refunded = true, updated_at = now()
       WHERE id = $2::uuid AND EXISTS (SELECT 1 FROM refund)
      RETURNING id""";

  /**
   * The sweeper's moves: one statement per kind, rows locked with SKIP LOCKED so instances never
   * collide.
   */
  private static final String BULK =
      """
      WITH moved AS (
        UPDATE sessions s
           SET status = '%2$s', ended_at = now(), end_reason = $3, updated_at = now(), duration_seconds = %3$s
         WHERE s.status = '%1$s'
           AND s.id IN (SELECT id FROM sessions WHERE status = '%1$s' AND %4$s < now() - make_interval(secs => $1)
                         ORDER BY %4$s LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING s.id, s.user_id, s.status, s.ended_at, s.duration_seconds, s.end_reason),
      logged AS (
        INSERT INTO events (user_id, session_id, kind, payload)
        SELECT user_id, id, '%5$s',
               json_build_object('from', '%1$s', 'status', '%2$s', 'reason', $3::text)::jsonb
          FROM moved)
      SELECT * FROM moved""";

  private static final String EXPIRE = bulk(Transition.EXPIRE, "deadline_at");
  private static final String ABANDON = bulk(Transition.ABANDON_UNSTARTED, "created_at");
  private static final String CLAIM_ANNOUNCEMENT =
      """
      UPDATE sessions SET ended_announced_at = now()
       WHERE id = $1 AND status IN ('completed', 'abandoned', 'errored') AND ended_announced_at IS NULL
      RETURNING id, user_id, status, ended_at, coalesce(duration_seconds, 0) AS duration_seconds, end_reason""";
  private static final String UNANNOUNCED =
      """
      SELECT id FROM sessions
       WHERE ended_announced_at IS NULL AND status IN ('completed', 'abandoned', 'errored')
         AND ended_at < now() - make_interval(secs => $1)
       ORDER BY ended_at LIMIT $2""";

  /** Who asked, for the {@code events} row; {@link #SYSTEM} for timers, sweepers and providers. */
  public record Origin(String requestId, String trackedSkillIdHash) {
    public static final Origin SYSTEM = new Origin(null, null);

    public static Origin request(String requestId) {
      return new Origin(requestId, null);
    }
  }

  public record Activated(UUID userId, OffsetDateTime startedAt, OffsetDateTime deadlineAt) {}

  /** A session's status and end columns ({@code endedAt} is null while it is live). */
  public record Ended(
      UUID sessionId,
      UUID userId,
      SessionStatus status,
      OffsetDateTime endedAt,
      int durationSeconds,
      String endReason) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("sessionId", sessionId.toString())
          .put("status", status.dbValue())
          .put("endedAt", endedAt == null ? null : endedAt.toInstant().toString())
          .put("durationSeconds", durationSeconds)
          .put("endReason", endReason);
    }
  }

  /** What an end asked for found: {@code changed} when this call ended the session. */
  public record EndOutcome(Ended ended, boolean changed) {}

  /** What {@link #failByOurFault} did. */
  public record Failure(UUID userId, boolean transitioned, boolean refunded) {}

  private record Current(Ended ended, boolean owed) {}

  private SessionTransitionStore() {}

  /**
   * A sweeper move as one statement: {@code move.from()} rows whose {@code since} column is older
   * than {@code $1} seconds.
   */
  private static String bulk(Transition move, String since) {
    return BULK.formatted(
        move.from().dbValue(), move.to().dbValue(), DURATION, since, move.eventKind());
  }

  /**
   * {@code scheduled → active} on the candidate's first connect: {@code started_at} and the
   * deadline (now plus the problem's duration). Fails with {@link NoSuchSession} for no such
   * session and {@link com.interviewroom.session.model.IllegalTransition} for one that is not
   * scheduled.
   */
  public static Future<Activated> activate(SqlConnection sql, UUID sessionId, Origin origin) {
    return sql.preparedQuery(ACTIVATE)
        .execute(Tuple.of(sessionId))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return current(sql, sessionId, false)
                    .compose(
                        found ->
                            Future.failedFuture(
                                found == null
                                    ? new NoSuchSession()
                                    : SessionStatus.illegal(
                                        found.ended().status(), Transition.ACTIVATE.to())));
              }
              Row row = rows.iterator().next();
              Activated activated =
                  new Activated(
                      row.getUUID("user_id"),
                      row.getOffsetDateTime("started_at"),
                      row.getOffsetDateTime("deadline_at"));
              return log(
                      sql,
                      origin,
                      activated.userId(),
                      sessionId,
                      Transition.ACTIVATE.eventKind(),
                      new JsonObject()
                          .put("from", Transition.ACTIVATE.from().dbValue())
                          .put("status", Transition.ACTIVATE.to().dbValue()))
                  .map(activated);
            });
  }

  /**
   * Ends a live session for the user or the clock: {@code active → completed}, and a session that
   * never became active {@code scheduled → abandoned}. An ended session is returned unchanged
   * (ending is idempotent); null when there is no such session (or it is not the user's).
   */
  public static Future<EndOutcome> end(
      SqlConnection sql, UUID sessionId, String reason, Origin origin) {
    return end(sql, sessionId, reason, origin, 2);
  }

  private static Future<EndOutcome> end(
      SqlConnection sql, UUID sessionId, String reason, Origin origin, int attempts) {
    return current(sql, sessionId, false)
        .compose(
            found -> {
              if (found == null) {
                return Future.succeededFuture(null);
              }
              SessionStatus from = found.ended().status();
              if (!from.isLive()) {
                return Future.succeededFuture(new EndOutcome(found.ended(), false));
              }
              return move(sql, found.ended(), from.endedByUser(), reason, origin)
                  .compose(
                      moved -> {
                        if (moved != null) {
                          return Future.succeededFuture(new EndOutcome(moved, true));
                        }
                        // the status changed under us (activated, swept, errored): look again
                        return attempts > 1
                            ? end(sql, sessionId, reason, origin, attempts - 1)
                            : Future.failedFuture(new ConcurrentChange());
                      });
            });
  }

  /**
   * A session that dies through our fault (voice provider or server error): a live session becomes
   * {@code errored}, and its credit is refunded through the ledger, once, however many paths ask
   * (the row lock orders them, the ledger's unique indexes are the last line). An errored session
   * only gets a refund still owed; a completed or abandoned one is an {@code IllegalTransition}.
   * Null when there is no such session. Service role.
   */
  public static Future<Failure> failByOurFault(
      SqlConnection sql, UUID sessionId, String reason, Origin origin) {
    Objects.requireNonNull(reason, "reason");
    return current(sql, sessionId, true)
        .compose(
            found -> {
              if (found == null) {
                return Future.succeededFuture(null);
              }
              Ended state = found.ended();
              Future<Boolean> moved = Future.succeededFuture(false);
              if (state.status() != SessionStatus.ERRORED) {
                state.status().require(SessionStatus.ERRORED);
                moved =
                    move(sql, state, SessionStatus.ERRORED, reason, origin).map(Objects::nonNull);
              }
              return moved.compose(
                  transitioned ->
                      (found.owed()
                              ? refund(sql, state.userId(), sessionId, reason, origin)
                              : Future.succeededFuture(false))
                          .map(refunded -> new Failure(state.userId(), transitioned, refunded)));
            });
  }

  /**
   * The sweeper: {@code active} sessions past their deadline plus {@code grace} become completed.
   */
  public static Future<List<Ended>> expireOverdue(
      SqlConnection sql, Duration grace, int batch, String reason) {
    return sql.preparedQuery(EXPIRE)
        .execute(Tuple.of(grace.toSeconds(), batch, reason))
        .map(SessionTransitionStore::ended);
  }

  /** The sweeper: {@code scheduled} sessions never started within {@code age} become abandoned. */
  public static Future<List<Ended>> abandonUnstarted(
      SqlConnection sql, Duration age, int batch, String reason) {
    return sql.preparedQuery(ABANDON)
        .execute(Tuple.of(age.toSeconds(), batch, reason))
        .map(SessionTransitionStore::ended);
  }

  /**
   * Claims the one {@code session.ended} announcement of an ended session: the session as it ended,
   * or null when it is still live or was announced already. Publish in the same transaction, so a
   * failed publish leaves the claim for another try. Service role.
   */
  public static Future<Ended> claimAnnouncement(SqlConnection sql, UUID sessionId) {
    return sql.preparedQuery(CLAIM_ANNOUNCEMENT)
        .execute(Tuple.of(sessionId))
        .map(rows -> rows.size() == 0 ? null : toEnded(rows.iterator().next()));
  }

  /** Ended sessions nobody announced within {@code age} (their node died mid-end), oldest first. */
  public static Future<List<UUID>> unannounced(SqlConnection sql, Duration age, int batch) {
    return sql.preparedQuery(UNANNOUNCED)
        .execute(Tuple.of(age.toSeconds(), batch))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  private static Future<Ended> move(
      SqlConnection sql, Ended from, SessionStatus to, String reason, Origin origin) {
    Transition transition = new Transition(from.status(), to);
    return sql.preparedQuery(FINISH)
        .execute(Tuple.of(from.sessionId(), from.status().dbValue(), to.dbValue(), reason))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(null);
              }
              Ended moved = toEnded(rows.iterator().next());
              return log(
                      sql,
                      origin,
                      moved.userId(),
                      moved.sessionId(),
                      transition.eventKind(),
                      new JsonObject()
                          .put("from", from.status().dbValue())
                          .put("status", to.dbValue())
                          .put("reason", reason))
                  .map(moved);
            });
  }

  private static Future<Boolean> refund(
      SqlConnection sql, UUID userId, UUID sessionId, String reason, Origin origin) {
    return sql.preparedQuery(REFUND)
        .execute(Tuple.of(userId, sessionId))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.succeededFuture(false)
                    : log(
                            sql,
                            origin,
                            userId,
                            sessionId,
                            "credit.refunded",
                            new JsonObject().put("credits", 1).put("reason", reason))
                        .map(true));
  }

  private static Future<Current> current(SqlConnection sql, UUID sessionId, boolean lock) {
    return sql.preparedQuery(lock ? LOCKED : CURRENT)
        .execute(Tuple.of(sessionId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new Current(
                  toEnded(row),
                  row.getBoolean("credit_charged") && !row.getBoolean("credit_refunded"));
            });
  }

  private static Future<Void> log(
      SqlConnection sql,
      Origin origin,
      UUID userId,
      UUID sessionId,
      String kind,
      JsonObject payload) {
    return EventLogStore.append(
        sql,
        origin.requestId(),
        userId,
        sessionId,
        null,
        kind,
        origin.trackedSkillIdHash(),
        payload);
  }

  private static List<Ended> ended(RowSet<Row> rows) {
    List<Ended> all = new ArrayList<>();
    rows.forEach(row -> all.add(toEnded(row)));
    return all;
  }

  private static Ended toEnded(Row row) {
    return new Ended(
        row.getUUID("id"),
        row.getUUID("user_id"),
        SessionStatus.of(row.getString("status")),
        row.getOffsetDateTime("ended_at"),
        row.getInteger("duration_seconds"),
        row.getString("end_reason"));
  }
}
