package com.interviewroom.realtime.voice;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** {@link SessionRecords} over Postgres, as the service role (the bridge acts for the system, not the user). */
public final class PgSessionRecords implements SessionRecords {
  private static final String TIER = "SELECT subscription_tier FROM profiles WHERE user_id = $1";
  private static final String PROVIDER = "UPDATE sessions SET provider = $2, updated_at = now() WHERE id = $1";
  /** Usage is added to the row's totals under a row lock, so a reconnect's new bridge and a late write of the old one both count. */
  private static final String USAGE_NOW = "SELECT usage FROM sessions WHERE id = $1 FOR UPDATE";
  private static final String USAGE = "UPDATE sessions SET usage = $2::jsonb, updated_at = now() WHERE id = $1";
  private static final String LOCK =
      "SELECT user_id, credit_charged AND NOT credit_refunded AS owed FROM sessions"
          + " WHERE id = $1 AND status IN ('scheduled', 'active') FOR UPDATE";
  private static final String ERRORED =
      "UPDATE sessions SET status = 'errored', end_reason = 'provider_unavailable', ended_at = coalesce(ended_at, now()),"
          + " credit_refunded = credit_refunded OR credit_charged, updated_at = now() WHERE id = $1";
  private static final String REFUND =
      "INSERT INTO credit_transactions (user_id, delta, reason, session_id) VALUES ($1, 1, 'refund', $2)";

  private final Database db;

  public PgSessionRecords(Database db) {
    this.db = db;
  }

  @Override
  public Future<String> tier(UUID userId) {
    return db.asService(conn -> conn.preparedQuery(TIER).execute(Tuple.of(userId)))
        .map(rows -> rows.size() == 0 ? "free" : rows.iterator().next().getString(0));
  }

  @Override
  public Future<Void> recordProvider(UUID sessionId, String provider) {
    return db.asService(conn -> conn.preparedQuery(PROVIDER).execute(Tuple.of(sessionId, provider))).mapEmpty();
  }

  @Override
  public Future<Void> recordUsage(UUID sessionId, JsonObject increment) {
    return db.asService(conn -> conn.preparedQuery(USAGE_NOW).execute(Tuple.of(sessionId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture();
          }
          JsonObject stored = rows.iterator().next().getJsonObject(0);
          JsonObject totals = stored == null ? new JsonObject() : stored.copy();
          UsageTotals.add(totals, increment);
          return conn.preparedQuery(USAGE).execute(Tuple.of(sessionId, totals)).mapEmpty();
        }));
  }

  @Override
  public Future<Void> markErroredAndRefund(UUID sessionId) {
    return db.asService(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(sessionId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : errorAndRefund(conn, sessionId, rows)));
  }

  private Future<Void> errorAndRefund(SqlConnection conn, UUID sessionId, RowSet<Row> rows) {
    // FOR UPDATE plus the status guard make a second call see no live row; the ledger's unique
    // refund index is the last line: it would roll this transaction back rather than refund twice
    Row row = rows.iterator().next();
    Future<Void> errored = conn.preparedQuery(ERRORED).execute(Tuple.of(sessionId)).mapEmpty();
    if (!row.getBoolean("owed")) {
      return errored;
    }
    return errored.compose(v -> conn.preparedQuery(REFUND).execute(Tuple.of(row.getUUID("user_id"), sessionId)))
        .mapEmpty();
  }
}
