package com.interviewroom.session.store;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Which of the sessions a node holds have ended in the database: the gateway's fallback for an end
 * signal published while its subscription was down (pub/sub does not replay). One query per
 * re-subscription, not per socket or per tick.
 */
public final class EndedSessionStore {
  private static final String ENDED =
      """
      SELECT id, end_reason FROM sessions
       WHERE id = ANY($1) AND status NOT IN ('scheduled', 'active')""";

  private final Database db;

  public EndedSessionStore(Database db) {
    this.db = db;
  }

  /**
   * Session id to end reason ({@code "ended"} when none was recorded), for the ended ones among
   * {@code held}.
   */
  public Future<Map<UUID, String>> among(Collection<UUID> held) {
    if (held.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return db.asService(
            conn -> conn.preparedQuery(ENDED).execute(Tuple.of(held.toArray(UUID[]::new))))
        .map(
            rows -> {
              Map<UUID, String> ended = new HashMap<>();
              for (Row row : rows) {
                String reason = row.getString("end_reason");
                ended.put(row.getUUID("id"), reason == null ? "ended" : reason);
              }
              return ended;
            });
  }
}
