package com.interviewroom.edge.events;

import com.interviewroom.session.store.EventLogStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * Appends to the {@code events} table inside the caller's transaction, so the log and the change
 * commit together.
 */
public final class EventLog {
  private EventLog() {}

  public static Future<Void> append(SqlClient sql, EventRecord event) {
    return EventLogStore.append(
        sql,
        event.requestId(),
        event.userId(),
        event.sessionId(),
        event.groupId(),
        event.kind(),
        event.trackedSkillIdHash(),
        event.payload());
  }
}
