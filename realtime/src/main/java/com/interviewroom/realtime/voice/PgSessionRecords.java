package com.interviewroom.realtime.voice;

import com.interviewroom.realtime.session.SessionRepository;
import com.interviewroom.common.cost.Metered;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.cost.CostLedger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** {@link SessionRecords} over Postgres, as the service role (the bridge acts for the system, not the user). */
public final class PgSessionRecords implements SessionRecords {
  private static final String TIER = "SELECT subscription_tier FROM profiles WHERE user_id = $1";
  private static final String PROVIDER = "UPDATE sessions SET provider = $2, updated_at = now() WHERE id = $1";
  /** Usage is added to the row's totals under a row lock, so a reconnect's new bridge and a late write of the old one both count. */
  private static final String USAGE_NOW = "SELECT usage FROM sessions WHERE id = $1 FOR UPDATE";
  private static final String USAGE = "UPDATE sessions SET usage = $2::jsonb, updated_at = now() WHERE id = $1";

  private final Database db;
  private final CostLedger costs;

  public PgSessionRecords(Database db) {
    this(db, null);
  }

  /** @param costs the ledger voice usage is priced into; null keeps none */
  public PgSessionRecords(Database db, CostLedger costs) {
    this.db = db;
    this.costs = costs;
  }

  @Override
  public Future<Void> recordCost(UUID sessionId, String eventKey, Metered usage) {
    return costs == null ? Future.succeededFuture() : costs.record(eventKey, sessionId, usage).mapEmpty();
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

  /** Through the shared status machine: errored once, refunded once; an already ended session is left as it is. */
  @Override
  public Future<Void> markErroredAndRefund(UUID sessionId) {
    return new SessionRepository(db).failByOurFault(sessionId, ProviderUnavailable.CODE, null).mapEmpty();
  }
}
