package com.interviewroom.edge.agents;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The SQL of {@link LlmUsage}: the model counters in {@code sessions.usage}. */
final class LlmUsageStore {
  private static final String NOW = "SELECT usage FROM sessions WHERE id = $1 FOR UPDATE";
  private static final String SAVE = "UPDATE sessions SET usage = $2::jsonb, updated_at = now() WHERE id = $1";

  private LlmUsageStore() {}

  /**
   * Adds {@code increment} into the session's usage under its row lock, so concurrent calls all
   * count; {@code sql} must be a transaction. A missing session adds nothing.
   */
  static Future<Void> add(SqlClient sql, UUID sessionId, JsonObject increment) {
    return sql.preparedQuery(NOW).execute(Tuple.of(sessionId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.<Void>succeededFuture();
          }
          JsonObject stored = rows.iterator().next().getJsonObject(0);
          JsonObject totals = stored == null ? new JsonObject() : stored.copy();
          LlmUsage.add(totals, increment);
          return sql.preparedQuery(SAVE).execute(Tuple.of(sessionId, totals)).<Void>mapEmpty();
        });
  }
}
