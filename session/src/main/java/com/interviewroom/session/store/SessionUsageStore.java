package com.interviewroom.session.store;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What a live session uses, kept on its row as the service role (the voice bridge and the gateway
 * act for the system, not the user): the voice provider serving it, the usage totals ({@code
 * sessions.usage}) and the hints given.
 */
public final class SessionUsageStore {
  private static final String PROVIDER =
      "UPDATE sessions SET provider = $2, updated_at = now() WHERE id = $1";

  /**
   * Usage is added to the row's totals under a row lock, so a reconnect's new bridge and a late
   * write of the old one both count.
   */
  private static final String USAGE_NOW = "SELECT usage FROM sessions WHERE id = $1 FOR UPDATE";

  private static final String USAGE =
      "UPDATE sessions SET usage = $2::jsonb, updated_at = now() WHERE id = $1";
  private static final String HINT =
      """
      UPDATE sessions
      SET usage = jsonb_set(usage, '{hintsGiven}', to_jsonb(coalesce((usage->>'hintsGiven')::int, 0) + 1)),
          updated_at = now()
      WHERE id = $1""";

  private final Database db;

  public SessionUsageStore(Database db) {
    this.db = db;
  }

  public Future<Void> recordProvider(UUID sessionId, String provider) {
    return db.asService(conn -> conn.preparedQuery(PROVIDER).execute(Tuple.of(sessionId, provider)))
        .mapEmpty();
  }

  /**
   * Applies {@code addTo} to a copy of the stored totals under the row lock and stores the result;
   * no row, no write.
   */
  public Future<Void> recordUsage(UUID sessionId, Consumer<JsonObject> addTo) {
    return db.asService(
        conn ->
            conn.preparedQuery(USAGE_NOW)
                .execute(Tuple.of(sessionId))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture();
                      }
                      JsonObject stored = rows.iterator().next().getJsonObject(0);
                      JsonObject totals = stored == null ? new JsonObject() : stored.copy();
                      addTo.accept(totals);
                      return conn.preparedQuery(USAGE)
                          .execute(Tuple.of(sessionId, totals))
                          .mapEmpty();
                    }));
  }

  /**
   * One more hint: a code observation handed to the interviewer to nudge the candidate with. The
   * counter lives in {@code sessions.usage.hintsGiven} and is incremented in SQL, so concurrent
   * notes and the voice bridge's own usage writes never lose it.
   */
  public Future<Void> recordHint(UUID sessionId) {
    return db.asService(conn -> conn.preparedQuery(HINT).execute(Tuple.of(sessionId)).mapEmpty());
  }
}
