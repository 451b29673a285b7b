package com.interviewroom.edge.session;

import com.interviewroom.session.model.SessionStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of sessions, credits and code snapshots. The service picks the role and owns the transaction. */
final class SessionRepository {
  static final String CHECK_VIOLATION = "23514";
  static final String UNIQUE_VIOLATION = "23505";

  private static final String INSERT = """
      INSERT INTO sessions (user_id, problem_id, language, status, credit_charged, group_id, tracked_skill_id_hash)
      VALUES ($1, $2, $3, 'scheduled', $4, $5, $6) RETURNING id""";
  // The ledger trigger takes the profile's row lock and its CHECK (credits >= 0) fails with 23514
  // on an overspend, so concurrent starts of one user serialize here and only the funded ones commit.
  private static final String CHARGE = """
      INSERT INTO credit_transactions (user_id, delta, reason, session_id, idempotency_key)
      VALUES ($1, -1, 'session_start', $2::uuid, 'session_start:' || $2::uuid::text)""";
  private static final String STATE = "SELECT status FROM sessions WHERE id = $1";
  // One round trip: the total comes from a scalar subquery, so an empty page still reports it.
  private static final String LIST = """
      SELECT (SELECT count(*) FROM sessions WHERE user_id = $1) AS total, page.*
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (
          SELECT s.id, s.status, s.language, s.created_at, s.started_at, s.ended_at, s.duration_seconds,
                 s.end_reason, s.group_id, p.slug, p.title, p.difficulty, e.status AS evaluation_status, e.overall_score
            FROM sessions s
            JOIN problems p ON p.id = s.problem_id
            LEFT JOIN evaluations e ON e.session_id = s.id
           WHERE s.user_id = $1
           ORDER BY s.created_at DESC, s.id DESC
           LIMIT $2 OFFSET $3) AS page ON true""";
  private static final String DETAIL = """
      SELECT s.id, s.status, s.language, s.created_at, s.started_at, s.ended_at, s.deadline_at, s.duration_seconds,
             s.end_reason, s.group_id, s.credit_charged, s.credit_refunded,
             p.slug, p.title, p.difficulty, p.category, p.duration_minutes,
             e.status AS evaluation_status, e.overall_score,
             c.id AS snapshot_id, c.code, c.language AS snapshot_language, c.snapshot_type,
             c.client_timestamp_ms, c.created_at AS snapshot_created_at
        FROM sessions s
        JOIN problems p ON p.id = s.problem_id
        LEFT JOIN evaluations e ON e.session_id = s.id
        LEFT JOIN LATERAL (
          SELECT id, code, language, snapshot_type, client_timestamp_ms, created_at
            FROM code_snapshots WHERE session_id = s.id
           ORDER BY created_at DESC, id DESC LIMIT 1) AS c ON true
       WHERE s.id = $1""";
  private static final String SNAPSHOT_TARGET = """
      SELECT s.status,
             EXISTS (SELECT 1 FROM code_snapshots c
                      WHERE c.session_id = s.id AND c.snapshot_type = 'final' AND c.created_at >= s.ended_at) AS final_after_end
        FROM sessions s WHERE s.id = $1""";
  // Serializes the final snapshots of one session (a beacon may be sent twice at once), so the
  // "one final after end" check and the insert cannot interleave.
  private static final String LOCK_FINAL = "SELECT pg_advisory_xact_lock(hashtextextended('final:' || $1::uuid::text, 0))";
  private static final String INSERT_SNAPSHOT = """
      INSERT INTO code_snapshots (session_id, code, language, snapshot_type, client_timestamp_ms)
      VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at""";

  record SnapshotTarget(SessionStatus status, boolean finalAfterEnd) {}

  record Page(List<JsonObject> items, long total) {}

  private SessionRepository() {}

  /** The session files under the request's group and the skill the start request tracked (its hash). */
  static Future<UUID> insert(SqlClient sql, Actor actor, UUID problemId, StartRequest request, boolean charged) {
    return sql.preparedQuery(INSERT).execute(Tuple.of(actor.userId(), problemId, request.language(), charged,
            request.groupId(), actor.trackedSkillIdHash()))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  static Future<Void> charge(SqlClient sql, UUID userId, UUID sessionId) {
    return sql.preparedQuery(CHARGE).execute(Tuple.of(userId, sessionId)).mapEmpty();
  }

  /** The session's status; null when it does not exist (or, as a user, is not theirs). */
  static Future<SessionStatus> status(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(STATE).execute(Tuple.of(sessionId))
        .map(rows -> rows.size() == 0 ? null : SessionStatus.of(rows.iterator().next().getString("status")));
  }

  static Future<Page> list(SqlClient sql, UUID userId, int limit, int offset) {
    return sql.preparedQuery(LIST).execute(Tuple.of(userId, limit, offset)).map(SessionRepository::toPage);
  }

  /** Null when the session does not exist or is not visible to the caller. */
  static Future<JsonObject> detail(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(DETAIL).execute(Tuple.of(sessionId))
        .map(rows -> rows.size() == 0 ? null : toDetail(rows.iterator().next()));
  }

  static Future<Void> lockFinalSnapshots(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(LOCK_FINAL).execute(Tuple.of(sessionId)).mapEmpty();
  }

  static Future<SnapshotTarget> snapshotTarget(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(SNAPSHOT_TARGET).execute(Tuple.of(sessionId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new SnapshotTarget(SessionStatus.of(row.getString("status")), row.getBoolean("final_after_end"));
        });
  }

  static Future<JsonObject> insertSnapshot(SqlClient sql, UUID sessionId, SnapshotRequest snapshot) {
    return sql.preparedQuery(INSERT_SNAPSHOT)
        .execute(Tuple.of(sessionId, snapshot.code(), snapshot.language(), snapshot.snapshotType(), snapshot.timestampMs()))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new JsonObject()
              .put("snapshotId", row.getUUID("id").toString())
              .put("snapshotType", snapshot.snapshotType())
              .put("createdAt", time(row.getOffsetDateTime("created_at")));
        });
  }

  private static Page toPage(RowSet<Row> rows) {
    List<JsonObject> items = new ArrayList<>();
    long total = 0;
    for (Row row : rows) {
      total = row.getLong("total");
      if (row.getUUID("id") != null) {
        items.add(summary(row));
      }
    }
    return new Page(items, total);
  }

  private static JsonObject summary(Row row) {
    String status = row.getString("status");
    return new JsonObject()
        .put("sessionId", row.getUUID("id").toString())
        .put("status", status)
        .put("language", row.getString("language"))
        .put("problem", new JsonObject()
            .put("slug", row.getString("slug"))
            .put("title", row.getString("title"))
            .put("difficulty", row.getString("difficulty")))
        .put("createdAt", time(row.getOffsetDateTime("created_at")))
        .put("startedAt", time(row.getOffsetDateTime("started_at")))
        .put("endedAt", time(row.getOffsetDateTime("ended_at")))
        .put("durationSeconds", row.getInteger("duration_seconds"))
        .put("endReason", row.getString("end_reason"))
        .put("groupId", row.getString("group_id"))
        .put("evaluationStatus", evaluationStatus(row.getString("evaluation_status"), status))
        .put("score", score(row.getNumeric("overall_score"), row.getString("evaluation_status")));
  }

  private static JsonObject toDetail(Row row) {
    JsonObject json = summary(row)
        .put("deadlineAt", time(row.getOffsetDateTime("deadline_at")))
        .put("creditCharged", row.getBoolean("credit_charged"))
        .put("creditRefunded", row.getBoolean("credit_refunded"));
    json.getJsonObject("problem")
        .put("category", row.getString("category"))
        .put("durationMinutes", row.getInteger("duration_minutes"));
    UUID snapshotId = row.getUUID("snapshot_id");
    json.put("latestSnapshot", snapshotId == null ? null : new JsonObject()
        .put("snapshotId", snapshotId.toString())
        .put("code", row.getString("code"))
        .put("language", row.getString("snapshot_language"))
        .put("snapshotType", row.getString("snapshot_type"))
        .put("timestampMs", row.getLong("client_timestamp_ms"))
        .put("createdAt", time(row.getOffsetDateTime("snapshot_created_at"))));
    return json;
  }

  /**
   * {@code completed} with a score, {@code evaluating} while the evaluator works (or has not picked
   * up a completed session yet), {@code failed}, or {@code none} for sessions that are not evaluated.
   */
  static String evaluationStatus(String evaluation, String sessionStatus) {
    if (evaluation == null) {
      return "completed".equals(sessionStatus) ? "evaluating" : "none";
    }
    return "pending".equals(evaluation) ? "evaluating" : evaluation;
  }

  private static Double score(Numeric score, String evaluation) {
    return score != null && "completed".equals(evaluation) ? score.doubleValue() : null;
  }

  static String time(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
