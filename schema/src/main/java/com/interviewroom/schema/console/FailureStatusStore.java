package com.interviewroom.schema.console;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Operators move a failure between {@code open}, {@code ack} and {@code resolved}; setting the same
 * status again changes nothing.
 */
public final class FailureStatusStore {
  public static final java.util.List<String> STATUSES =
      java.util.List.of("open", "ack", "resolved");
  private static final String UPDATE =
      """
      UPDATE failures SET status = $2, status_by = $3, updated_at = CASE WHEN status = $2 THEN updated_at ELSE now() END
      WHERE id = $1
      RETURNING id, session_id, kind, severity, status, evidence, detected_at, updated_at""";

  private final Database db;

  public FailureStatusStore(Database db) {
    this.db = db;
  }

  /** The failure as it now is; null when there is no such failure. */
  public Future<JsonObject> setStatus(long failureId, String status, UUID operatorId) {
    return db.asService(
            sql -> sql.preparedQuery(UPDATE).execute(Tuple.of(failureId, status, operatorId)))
        .map(
            rows ->
                rows.size() == 0 ? null : ConsoleReadRepository.failure(rows.iterator().next()));
  }
}
