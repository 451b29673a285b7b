package com.interviewroom.realtime.voice;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.cost.PriceTable;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.cost.CostLedger;
import com.interviewroom.schema.cost.CostReportRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The voice factory the gateway uses: one {@link VoiceBridge} per event loop, created on first use
 * on that loop. The gateway serves sockets on every edge/realtime verticle instance, and a bridge's
 * transcript batcher and sessions must share one event loop so they need no locks.
 */
public final class VoiceBridges implements VoiceSessionFactory {
  private final Vertx vertx;
  private final Config config;
  private final Database db;
  private final Map<Context, VoiceBridge> byContext = new ConcurrentHashMap<>();
  private final CostLedger costs;
  private final BudgetGuard budgets;
  private final long refresh;
  private final Supplier<? extends VoiceProviderSource> providers;

  /**
   * One cost ledger and one budget guard per process: usage is priced from {@code PRICE_TABLE_FILE}
   * (or the built-in table) and the guard's gauges are registered on {@code registry}. {@code
   * providers} makes each event loop's provider source.
   */
  public VoiceBridges(
      Vertx vertx,
      Config config,
      Database db,
      MeterRegistry registry,
      Supplier<? extends VoiceProviderSource> providers) {
    this.vertx = vertx;
    this.providers = providers;
    this.config = config;
    this.db = db;
    Clock clock = Clock.systemUTC();
    this.costs = new CostLedger(db, PriceTable.from(config.operations()), registry, clock);
    this.budgets =
        new BudgetGuard(new CostReportRepository(db), config.operations(), registry, clock);
    this.refresh = budgets.refreshEvery(vertx);
  }

  public BudgetGuard budgets() {
    return budgets;
  }

  @Override
  public Future<VoiceSession> open(InterviewContext context, ClientChannel client) {
    Context current = Vertx.currentContext();
    if (current == null || !current.isEventLoopContext()) {
      return Future.failedFuture(new IllegalStateException("voice sessions open on an event loop"));
    }
    return byContext
        .computeIfAbsent(
            current,
            ignored -> VoiceBridge.create(vertx, config, db, costs, budgets, providers.get()))
        .factory()
        .open(context, client);
  }

  /** Flushes every bridge's transcripts and closes its provider client. */
  public Future<Void> close() {
    vertx.cancelTimer(refresh);
    List<Future<Void>> closing = byContext.values().stream().map(VoiceBridge::close).toList();
    byContext.clear();
    return Future.join(closing).mapEmpty();
  }
}
