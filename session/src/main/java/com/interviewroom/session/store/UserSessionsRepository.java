package com.interviewroom.session.store;

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

/**
 * What a user sees of their sessions: the page of their sessions, one session's detail, its status.
 * Run as the user ({@code Database.asUser}), so row-level security backs every ownership check.
 */
public final class UserSessionsRepository {
  private static final String STATE = "SELECT status FROM sessions WHERE id = $1";
  // One round trip: the total comes from a scalar subquery, so an empty page still reports it.
  private static final String LIST =
      """
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
  private static final String DETAIL =
      """
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

  public record Page(List<JsonObject> items, long total) {}

  private UserSessionsRepository() {}

  /** The session's status; null when it does not exist (or, as a user, is not theirs). */
  public static Future<SessionStatus> status(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(STATE)
        .execute(Tuple.of(sessionId))
        .map(
            rows ->
                rows.size() == 0
                    ? null
                    : SessionStatus.of(rows.iterator().next().getString("status")));
  }

  public static Future<Page> list(SqlClient sql, UUID userId, int limit, int offset) {
    return sql.preparedQuery(LIST)
        .execute(Tuple.of(userId, limit, offset))
        .map(UserSessionsRepository::toPage);
  }

  /** Null when the session does not exist or is not visible to the caller. */
  public static Future<JsonObject> detail(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(DETAIL)
        .execute(Tuple.of(sessionId))
        .map(rows -> rows.size() == 0 ? null : toDetail(rows.iterator().next()));
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
        .put(
            "problem",
            new JsonObject()
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
    JsonObject json =
        summary(row)
            .put("deadlineAt", time(row.getOffsetDateTime("deadline_at")))
            .put("creditCharged", row.getBoolean("credit_charged"))
            .put("creditRefunded", row.getBoolean("credit_refunded"));
    json.getJsonObject("problem")
        .put("category", row.getString("category"))
        .put("durationMinutes", row.getInteger("duration_minutes"));
    UUID snapshotId = row.getUUID("snapshot_id");
    json.put(
        "latestSnapshot",
        snapshotId == null
            ? null
            : new JsonObject()
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
   * up a completed session yet), {@code failed}, or {@code none} for sessions that are not
   * evaluated.
   */
  static String evaluationStatus(String evaluation, String sessionStatus) {
    if (evaluation == null) {
      return SessionStatus.of(sessionStatus) == SessionStatus.COMPLETED ? "evaluating" : "none";
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
