package com.interviewroom.edge.replay;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The SQL of a session's timeline: the session, its transcript and its code snapshots, in time
 * order.
 */
final class TimelineRepository {
  private static final String SESSION =
      """
      SELECT s.id, s.status, s.language, s.started_at, s.ended_at, p.title,
             EXISTS (SELECT 1 FROM recordings r JOIN recording_chunks c ON c.recording_id = r.id
                      WHERE r.session_id = s.id) AS recorded
        FROM sessions s JOIN problems p ON p.id = s.problem_id
       WHERE s.id = $1""";
  private static final String TRANSCRIPT =
      """
      SELECT item_id, role, text, turn_started_at FROM transcripts
       WHERE session_id = $1 AND role IN ('user', 'assistant')
       ORDER BY turn_started_at, created_at
       LIMIT $2""";
  private static final String SNAPSHOTS =
      """
      SELECT id, code, language, snapshot_type, execution_result, created_at FROM code_snapshots
       WHERE session_id = $1
       ORDER BY created_at, id
       LIMIT $2""";

  private TimelineRepository() {}

  /** The session's header fields; null when it does not exist or is not the caller's. */
  static Future<JsonObject> session(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(SESSION)
        .execute(Tuple.of(sessionId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new JsonObject()
                  .put("sessionId", row.getUUID("id").toString())
                  .put("status", row.getString("status"))
                  .put("language", row.getString("language"))
                  .put("problemTitle", row.getString("title"))
                  .put("startedAt", time(row.getOffsetDateTime("started_at")))
                  .put("endedAt", time(row.getOffsetDateTime("ended_at")))
                  .put("recorded", row.getBoolean("recorded"));
            });
  }

  static Future<JsonArray> transcript(SqlClient sql, UUID sessionId, int limit) {
    return sql.preparedQuery(TRANSCRIPT)
        .execute(Tuple.of(sessionId, limit))
        .map(
            rows -> {
              JsonArray lines = new JsonArray();
              for (Row row : rows) {
                lines.add(
                    new JsonObject()
                        .put("itemId", row.getString("item_id"))
                        .put("role", row.getString("role"))
                        .put("text", row.getString("text"))
                        .put("at", time(row.getOffsetDateTime("turn_started_at"))));
              }
              return lines;
            });
  }

  static Future<JsonArray> snapshots(SqlClient sql, UUID sessionId, int limit) {
    return sql.preparedQuery(SNAPSHOTS)
        .execute(Tuple.of(sessionId, limit))
        .map(TimelineRepository::snapshots);
  }

  private static JsonArray snapshots(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    for (Row row : rows) {
      Object result = row.getValue("execution_result");
      out.add(
          new JsonObject()
              .put("snapshotId", row.getUUID("id").toString())
              .put("at", time(row.getOffsetDateTime("created_at")))
              .put("type", row.getString("snapshot_type"))
              .put("language", row.getString("language"))
              .put("code", row.getString("code"))
              .put("run", result instanceof JsonObject json ? TestRun.of(json) : null));
    }
    return out;
  }

  private static String time(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
