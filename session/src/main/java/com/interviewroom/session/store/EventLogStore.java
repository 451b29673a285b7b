package com.interviewroom.session.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Appends one row to the {@code events} audit log inside the caller's transaction, so the log and
 * the change it records commit together. The session's status moves log here; so does every other
 * feature of the edge (through {@code edge.events.EventLog}).
 */
public final class EventLogStore {
  private static final String INSERT =
      """
      INSERT INTO events (request_id, user_id, session_id, group_id, kind, tracked_skill_id_hash, payload)
      VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb)""";

  private EventLogStore() {}

  public static Future<Void> append(
      SqlClient sql,
      String requestId,
      UUID userId,
      UUID sessionId,
      String groupId,
      String kind,
      String trackedSkillIdHash,
      JsonObject payload) {
    JsonObject body = payload == null ? new JsonObject() : payload;
    return sql.preparedQuery(INSERT)
        .execute(
            Tuple.of(
                requestId, userId, sessionId, groupId, kind, trackedSkillIdHash, body.encode()))
        .mapEmpty();
  }
}
