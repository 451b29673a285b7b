package com.interviewroom.schema.cost;

import com.interviewroom.common.cost.Metered;
import com.interviewroom.common.cost.PriceTable;
import com.interviewroom.common.cost.Priced;
import com.interviewroom.schema.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes priced provider usage: one {@code cost_entries} row per call, keyed by an idempotency key
 * (the provider's response or message id, or one the caller made up once and reuses on retry), and
 * the day's {@code costs} totals per provider and kind added in the same statement only when the
 * entry is new. A retried write, a duplicated provider event or a replayed job adds nothing. Days
 * are UTC.
 */
public final class CostLedger {
  /**
   * Metric names (Prometheus adds {@code _total}); the budget guard and the dashboard read them.
   */
  public static final String COST_METRIC = "interviewroom.provider.cost.usd";

  public static final String USAGE_METRIC = "interviewroom.provider.usage.units";

  private final CostEntryStore entries;
  private final PriceTable prices;
  private final MeterRegistry registry;
  private final Clock clock;

  public CostLedger(Database db, PriceTable prices, MeterRegistry registry, Clock clock) {
    this.entries = new CostEntryStore(db);
    this.prices = prices;
    this.registry = registry;
    this.clock = clock;
  }

  public PriceTable prices() {
    return prices;
  }

  /** Today, as the ledger dates entries (UTC). */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  /**
   * Prices {@code usage} as of today and records it under {@code eventKey}; true when this call
   * added it, false when the key was already recorded (or there was nothing to price).
   */
  public Future<Boolean> record(String eventKey, UUID sessionId, Metered usage) {
    if (usage.isEmpty()) {
      return Future.succeededFuture(false);
    }
    Priced priced = prices.price(usage, today());
    List<String> kinds = new ArrayList<>(priced.usdByKind().keySet());
    List<String> quantities =
        kinds.stream().map(k -> usage.quantities().get(k).toPlainString()).toList();
    List<String> usds = kinds.stream().map(k -> priced.usdByKind().get(k).toPlainString()).toList();
    JsonObject usageJson = new JsonObject();
    usage.quantities().forEach((kind, quantity) -> usageJson.put(kind, quantity));
    Tuple args =
        Tuple.tuple()
            .addString(eventKey)
            .addUUID(sessionId)
            .addString(usage.provider())
            .addString(usage.model())
            .addLocalDate(priced.day())
            .addValue(usageJson)
            .addValue(priced.usd())
            .addString(priced.priceVersion())
            .addArrayOfString(kinds.toArray(String[]::new))
            .addArrayOfString(quantities.toArray(String[]::new))
            .addArrayOfString(usds.toArray(String[]::new));
    return entries
        .add(args)
        .onSuccess(
            inserted -> {
              if (inserted) {
                count(priced);
              }
            });
  }

  private void count(Priced priced) {
    String provider = priced.usage().provider();
    Counter.builder(COST_METRIC)
        .description("Priced provider usage in USD, from the versioned price table")
        .tag("provider", provider)
        .register(registry)
        .increment(priced.usd().doubleValue());
    priced
        .usage()
        .quantities()
        .forEach(
            (kind, quantity) ->
                Counter.builder(USAGE_METRIC)
                    .description("Provider usage by kind: tokens, or CPU-seconds for the sandbox")
                    .tag("provider", provider)
                    .tag("kind", kind)
                    .register(registry)
                    .increment(quantity.doubleValue()));
  }
}
