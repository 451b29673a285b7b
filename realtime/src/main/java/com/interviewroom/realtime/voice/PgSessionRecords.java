package com.interviewroom.realtime.voice;

import com.interviewroom.common.cost.Metered;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.cost.CostLedger;
import com.interviewroom.session.SessionLifecycle;
import com.interviewroom.session.store.SessionTransitionStore.Origin;
import com.interviewroom.session.store.SessionUsageStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * {@link SessionRecords} over Postgres, as the service role (the bridge acts for the system, not
 * the user): the session's row through the session module's {@link SessionUsageStore}.
 */
public final class PgSessionRecords implements SessionRecords {
  private final Database db;
  private final CostLedger costs;
  private final SessionUsageStore usage;
  private final SubscriptionTierRepository tiers;

  public PgSessionRecords(Database db) {
    this(db, null);
  }

  /**
   * @param costs the ledger voice usage is priced into; null keeps none
   */
  public PgSessionRecords(Database db, CostLedger costs) {
    this.db = db;
    this.costs = costs;
    this.usage = new SessionUsageStore(db);
    this.tiers = new SubscriptionTierRepository(db);
  }

  @Override
  public Future<Void> recordCost(UUID sessionId, String eventKey, Metered usage) {
    return costs == null
        ? Future.succeededFuture()
        : costs.record(eventKey, sessionId, usage).mapEmpty();
  }

  @Override
  public Future<String> tier(UUID userId) {
    return tiers.tier(userId);
  }

  @Override
  public Future<Void> recordProvider(UUID sessionId, String provider) {
    return usage.recordProvider(sessionId, provider);
  }

  /**
   * Usage is added to the row's totals under its row lock, so a reconnect's new bridge and a late
   * write of the old one both count.
   */
  @Override
  public Future<Void> recordUsage(UUID sessionId, JsonObject increment) {
    return usage.recordUsage(sessionId, totals -> UsageTotals.add(totals, increment));
  }

  /**
   * Through the shared status machine: errored once, refunded once; an already ended session is
   * left as it is.
   */
  @Override
  public Future<Void> markErroredAndRefund(UUID sessionId) {
    return SessionLifecycle.failByOurFault(db, sessionId, ProviderUnavailable.CODE, Origin.SYSTEM)
        .mapEmpty();
  }
}
