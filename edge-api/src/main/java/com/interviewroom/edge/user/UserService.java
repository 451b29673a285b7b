package com.interviewroom.edge.user;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Profile reads and edits, data export and account deletion; each change logs an event in its transaction. */
public final class UserService {
  private final Database db;

  public UserService(Database db) {
    this.db = db;
  }

  public Future<JsonObject> profile(UUID userId) {
    return db.asUser(userId, sql -> UserRepository.profile(sql, userId)).map(UserService::found);
  }

  /** The event names the changed fields only, never their values (a display name is personal data). */
  public Future<JsonObject> update(UUID userId, ProfileChanges changes, EventRecord event) {
    JsonObject payload = new JsonObject().put("fields", new JsonArray(changes.columns().keySet().stream().toList()));
    return db.asUser(userId, sql -> UserRepository.update(sql, userId, changes)
            .compose(done -> EventLog.append(sql, withPayload(event, payload)))
            .compose(done -> UserRepository.profile(sql, userId)))
        .map(UserService::found);
  }

  public Future<JsonObject> export(UUID userId, EventRecord event) {
    return db.asUser(userId, sql -> EventLog.append(sql, event)
        .compose(done -> UserRepository.export(sql)));
  }

  /** Idempotent: deleting an already deleted account still answers 204. */
  public Future<Void> delete(UUID userId, EventRecord anonymousEvent) {
    return db.asUser(userId, sql -> UserRepository.delete(sql, userId)
        .compose(deleted -> UserRepository.becomeService(sql))
        .compose(done -> EventLog.append(sql, anonymousEvent)));
  }

  private static EventRecord withPayload(EventRecord event, JsonObject payload) {
    return new EventRecord(event.requestId(), event.userId(), event.sessionId(), event.groupId(), event.kind(),
        event.trackedSkillIdHash(), payload);
  }

  private static JsonObject found(JsonObject profile) {
    if (profile == null) {
      throw Problems.notFound("This account no longer exists.");
    }
    return profile;
  }
}
