package com.interviewroom.session.store;

import com.interviewroom.session.model.SessionStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A session's code snapshots ({@code code_snapshots}): the edge's REST saves (the caller picks the
 * role and owns the transaction) and the gateway's writes of the live editor.
 */
public final class CodeSnapshotStore {
  private static final String TARGET =
      """
      SELECT s.status,
             EXISTS (SELECT 1 FROM code_snapshots c
                      WHERE c.session_id = s.id AND c.snapshot_type = 'final' AND c.created_at >= s.ended_at) AS final_after_end
        FROM sessions s WHERE s.id = $1""";
  // Serializes the final snapshots of one session (a beacon may be sent twice at once), so the
  // "one final after end" check and the insert cannot interleave.
  private static final String LOCK_FINAL =
      "SELECT pg_advisory_xact_lock(hashtextextended('final:' || $1::uuid::text, 0))";
  private static final String INSERT =
      """
      INSERT INTO code_snapshots (session_id, code, language, snapshot_type, client_timestamp_ms)
      VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at""";

  /**
   * The session a snapshot is for: its status, and whether a {@code final} snapshot was stored
   * after its end.
   */
  public record Target(SessionStatus status, boolean finalAfterEnd) {}

  private CodeSnapshotStore() {}

  public static Future<Void> lockFinalSnapshots(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(LOCK_FINAL).execute(Tuple.of(sessionId)).mapEmpty();
  }

  /** Null when the session does not exist (or, as a user, is not theirs). */
  public static Future<Target> target(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(TARGET)
        .execute(Tuple.of(sessionId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new Target(
                  SessionStatus.of(row.getString("status")), row.getBoolean("final_after_end"));
            });
  }

  /** Stores one snapshot; completes with {@code {snapshotId, snapshotType, createdAt}}. */
  public static Future<JsonObject> insert(
      SqlClient sql, UUID sessionId, String code, String language, String type, Long timestampMs) {
    return sql.preparedQuery(INSERT)
        .execute(Tuple.of(sessionId, code, language, type, timestampMs))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              OffsetDateTime created = row.getOffsetDateTime("created_at");
              return new JsonObject()
                  .put("snapshotId", row.getUUID("id").toString())
                  .put("snapshotType", type)
                  .put("createdAt", created == null ? null : created.toInstant().toString());
            });
  }
}
