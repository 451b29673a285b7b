package com.interviewroom.edge.agents;

import com.interviewroom.common.cost.Kinds;
import com.interviewroom.common.cost.Metered;
import com.interviewroom.edge.llm.AnthropicClient;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.cost.CostLedger;
import com.interviewroom.schema.cost.CostReportRepository;
import com.interviewroom.session.store.SessionUsageStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anthropic token usage per session, kept next to the voice usage in {@code sessions.usage} (voice
 * counters at the top level, these under {@code llm}): {@code {"llm": {"calls", "input_tokens",
 * "output_tokens", "by_model": {id: {...}}, "by_agent": {"observer"|"evaluator": {...}}}}}.
 * Increments are added under a row lock, as the voice bridge does, so concurrent calls all count.
 */
public final class LlmUsage {
  private static final Logger log = LoggerFactory.getLogger(LlmUsage.class);
  private final Database db;
  private final SessionUsageStore sessions;
  private final CostLedger costs;
  private final BigDecimal dailyBudgetUsd;

  public LlmUsage(Database db) {
    this(db, null, null);
  }

  /**
   * @param costs the ledger each call's tokens are priced into; null keeps none
   * @param dailyBudgetUsd {@code BUDGET_DAILY_USD_ANTHROPIC}, null for none: once today's Anthropic
   *     spend reaches it, {@link #withinBudget()} says no and the agents answer without the model
   *     (the heuristic evaluator, diagnostics-only observations)
   */
  public LlmUsage(Database db, CostLedger costs, BigDecimal dailyBudgetUsd) {
    this.db = db;
    this.sessions = new SessionUsageStore(db);
    this.costs = costs;
    this.dailyBudgetUsd = dailyBudgetUsd;
  }

  /**
   * False once today's (UTC) Anthropic spend has reached its daily budget; true without a budget or
   * when it cannot be read.
   */
  public Future<Boolean> withinBudget() {
    if (costs == null || dailyBudgetUsd == null) {
      return Future.succeededFuture(true);
    }
    return new CostReportRepository(db)
        .spentOn(costs.today())
        .map(
            spent -> spent.getOrDefault("anthropic", BigDecimal.ZERO).compareTo(dailyBudgetUsd) < 0)
        .recover(
            err -> {
              log.warn(
                  "today's model spend could not be read; the model stays in use: {}",
                  err.getClass().getSimpleName());
              return Future.succeededFuture(true);
            });
  }

  /**
   * Adds one call's usage to the session's counters and prices it into the cost ledger (keyed by
   * the message id, so a replayed job adds nothing); a failed write is logged and never fails the
   * agent's work.
   */
  public Future<Void> record(
      UUID sessionId, String agent, String requestedModel, AnthropicClient.Usage usage) {
    return Future.join(
            counters(sessionId, agent, requestedModel, usage),
            cost(sessionId, agent, requestedModel, usage))
        .mapEmpty();
  }

  private Future<Void> cost(
      UUID sessionId, String agent, String requestedModel, AnthropicClient.Usage usage) {
    if (costs == null) {
      return Future.succeededFuture();
    }
    String model = usage.model() == null ? requestedModel : usage.model();
    String key =
        "anthropic:"
            + (usage.messageId() != null
                ? usage.messageId()
                : agent + ":" + sessionId + ":" + UUID.randomUUID());
    Metered metered =
        Metered.ofCounts(
            "anthropic",
            model,
            Map.of(
                Kinds.INPUT,
                usage.uncachedInputTokens(),
                Kinds.CACHE_WRITE,
                usage.cacheWriteTokens(),
                Kinds.CACHE_READ,
                usage.cacheReadTokens(),
                Kinds.OUTPUT,
                usage.outputTokens()));
    return costs
        .record(key, sessionId, metered)
        .<Void>mapEmpty()
        .recover(
            err -> {
              log.warn("could not record model cost: {}", err.getClass().getSimpleName());
              return Future.succeededFuture();
            });
  }

  private Future<Void> counters(
      UUID sessionId, String agent, String requestedModel, AnthropicClient.Usage usage) {
    String model = usage.model() == null ? requestedModel : usage.model();
    JsonObject counts =
        new JsonObject()
            .put("calls", 1L)
            .put("input_tokens", usage.inputTokens())
            .put("output_tokens", usage.outputTokens());
    JsonObject increment =
        new JsonObject()
            .put(
                "llm",
                counts
                    .copy()
                    .put("by_model", new JsonObject().put(model, counts.copy()))
                    .put("by_agent", new JsonObject().put(agent, counts.copy())));
    return sessions
        .recordUsage(sessionId, totals -> add(totals, increment))
        .recover(
            err -> {
              log.warn("could not record model usage: {}", err.getClass().getSimpleName());
              return Future.succeededFuture();
            });
  }

  /** Adds every numeric leaf of {@code increment} into {@code totals}, nested objects included. */
  static void add(JsonObject totals, JsonObject increment) {
    for (Map.Entry<String, Object> e : increment) {
      if (e.getValue() instanceof Number n) {
        Object current = totals.getValue(e.getKey());
        totals.put(e.getKey(), (current instanceof Number c ? c.longValue() : 0L) + n.longValue());
      } else if (e.getValue() instanceof JsonObject nested) {
        Object current = totals.getValue(e.getKey());
        JsonObject target = current instanceof JsonObject c ? c : new JsonObject();
        totals.put(e.getKey(), target);
        add(target, nested);
      }
    }
  }
}
