package com.interviewroom.realtime.voice;

import com.interviewroom.common.config.Config;
import com.interviewroom.schema.cost.CostReportRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily budget per provider ({@code BUDGET_DAILY_USD_*}): a provider whose spend today (UTC,
 * from the {@code costs} table) has reached its budget is left out of new sessions' provider
 * chains, so they go to the next provider or the local interviewer. A running interview keeps its
 * provider: the chain is chosen once, when the voice session opens. Every session start reads
 * today's spend afresh; a periodic refresh keeps the gauges ({@code interviewroom_budget_*})
 * current for the alert when no session starts. A failed read keeps the last known state rather
 * than blocking interviews.
 */
public final class BudgetGuard {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetGuard.class);
  public static final String EXHAUSTED_METRIC = "interviewroom.budget.exhausted";
  public static final String SPENT_METRIC = "interviewroom.budget.spent.today.usd";
  public static final String DAILY_METRIC = "interviewroom.budget.daily.usd";
  public static final String REROUTED_METRIC = "interviewroom.budget.rerouted.sessions";

  private final CostReportRepository report;
  private final Config.Operations operations;
  private final MeterRegistry registry;
  private final Clock clock;

  /** Today's spend per budgeted provider, as double bits, for the gauges. */
  private final Map<String, AtomicLong> spent = new TreeMap<>();

  private volatile Set<String> lastKnown = Set.of();

  public BudgetGuard(
      CostReportRepository report,
      Config.Operations operations,
      MeterRegistry registry,
      Clock clock) {
    this.report = report;
    this.operations = operations;
    this.registry = registry;
    this.clock = clock;
    operations
        .dailyBudgetUsd()
        .forEach(
            (provider, budget) -> {
              AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));
              spent.put(provider, bits);
              Gauge.builder(SPENT_METRIC, bits, b -> Double.longBitsToDouble(b.get()))
                  .description("USD spent today (UTC) on the provider, as the costs table says")
                  .tag("provider", provider)
                  .register(registry);
              Gauge.builder(DAILY_METRIC, budget, BigDecimal::doubleValue)
                  .description("The provider's daily budget in USD (BUDGET_DAILY_USD_*)")
                  .tag("provider", provider)
                  .register(registry);
              Gauge.builder(EXHAUSTED_METRIC, this, g -> g.lastKnown.contains(provider) ? 1 : 0)
                  .description(
                      "1 while the provider's daily budget is reached: new sessions avoid it")
                  .tag("provider", provider)
                  .register(registry);
            });
  }

  /** The providers whose budget for today is reached. */
  public Future<Set<String>> overBudget() {
    if (operations.dailyBudgetUsd().isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return report
        .spentOn(LocalDate.now(clock.withZone(ZoneOffset.UTC)))
        .map(this::update)
        .recover(
            err -> {
              LOG.warn(
                  "today's spend could not be read; the budget guard keeps its last state: {}",
                  err.getClass().getSimpleName());
              return Future.succeededFuture(lastKnown);
            });
  }

  private Set<String> update(Map<String, BigDecimal> today) {
    Set<String> over = new TreeSet<>();
    operations
        .dailyBudgetUsd()
        .forEach(
            (provider, budget) -> {
              BigDecimal used = today.getOrDefault(provider, BigDecimal.ZERO);
              spent.get(provider).set(Double.doubleToLongBits(used.doubleValue()));
              if (used.compareTo(budget) >= 0) {
                over.add(provider);
              }
            });
    Set<String> next = Set.copyOf(over);
    if (!next.equals(lastKnown)) {
      LOG.info("budget guard: providers over today's budget now {}", next);
    }
    lastKnown = next;
    return next;
  }

  /** A session start left {@code provider} out because of its budget. */
  public void rerouted(String provider) {
    Counter.builder(REROUTED_METRIC)
        .description("Session starts that skipped a provider because its daily budget was reached")
        .tag("provider", provider)
        .register(registry)
        .increment();
  }

  /** Re-reads today's spend every {@code BUDGET_REFRESH_SECONDS}; returns the timer id. */
  public long refreshEvery(Vertx vertx) {
    overBudget();
    return vertx.setPeriodic(operations.budgetRefreshSeconds() * 1000L, id -> overBudget());
  }
}
