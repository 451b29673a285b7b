package com.interviewroom.edge.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Appends to the {@code events} table inside the caller's transaction, so the log and the change commit together. */
public final class EventLog {
  private static final String INSERT = """
      INSERT INTO events (request_id, user_id, session_id, group_id, kind, tracked_skill_id_hash, payload)
      VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb)""";

  private EventLog() {}

  public static Future<Void> append(SqlClient sql, EventRecord event) {
    JsonObject payload = event.payload() == null ? new JsonObject() : event.payload();
    return sql.preparedQuery(INSERT).execute(Tuple.of(event.requestId(), event.userId(), event.sessionId(),
            event.groupId(), event.kind(), event.trackedSkillIdHash(), payload.encode()))
        .mapEmpty();
  }
}
