package com.interviewroom.edge.admin;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.web.QueryInput;
import com.interviewroom.schema.cost.CostReportRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/admin/costs?from=&to=}: what providers cost per day (UTC) and provider, with each
 * usage kind, the range's totals, and today's spend against each daily budget. Amounts are decimal
 * strings in USD (exact, as stored). Read as the reporting role.
 */
public final class AdminCostRoutes {
  public static final String PATH = "/api/admin/costs";

  /** Longest range one request may ask for; the default is the last 30 days. */
  static final int MAX_DAYS = 366;

  private static final int DEFAULT_DAYS = 30;

  private final CostReportRepository report;
  private final Config.Operations operations;
  private final Clock clock;

  public AdminCostRoutes(CostReportRepository report, Config.Operations operations, Clock clock) {
    this.report = report;
    this.operations = operations;
    this.clock = clock;
  }

  public void mount(Router router, AdminAccess admin) {
    admin.route(router.get(PATH)).respond(this::costs);
  }

  private record Range(LocalDate from, LocalDate to) {}

  private Future<JsonObject> costs(RoutingContext ctx) {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    Range range = range(ctx, today);
    return Future.all(report.range(range.from(), range.to()), report.spentOn(today))
        .map(all -> body(range, all.resultAt(0), all.resultAt(1)));
  }

  private static Range range(RoutingContext ctx, LocalDate today) {
    QueryInput query = QueryInput.of(ctx);
    String fromText = query.text("from", 10);
    String toText = query.text("to", 10);
    query.finish();
    LocalDate to = date("to", toText, today);
    LocalDate from = date("from", fromText, to.minusDays(DEFAULT_DAYS - 1));
    if (from.isAfter(to)) {
      throw Problems.badRequest("invalid_range", "'from' must not be after 'to'.");
    }
    if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
      throw Problems.badRequest("invalid_range", "A range covers at most " + MAX_DAYS + " days.");
    }
    return new Range(from, to);
  }

  private static LocalDate date(String name, String text, LocalDate fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      if (text.length() != 10) {
        throw new DateTimeParseException("length", text, 0);
      }
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw Problems.validation(
          new JsonArray()
              .add(
                  new JsonObject()
                      .put("field", name)
                      .put("message", "must be a date as YYYY-MM-DD")));
    }
  }

  private JsonObject body(
      Range range, List<CostReportRepository.Line> lines, Map<String, BigDecimal> spentToday) {
    Map<LocalDate, Map<String, List<CostReportRepository.Line>>> byDay = new TreeMap<>();
    Map<String, BigDecimal> totals = new TreeMap<>();
    for (CostReportRepository.Line line : lines) {
      byDay
          .computeIfAbsent(line.day(), d -> new TreeMap<>())
          .computeIfAbsent(line.provider(), p -> new java.util.ArrayList<>())
          .add(line);
      totals.merge(line.provider(), line.usd(), BigDecimal::add);
    }
    JsonArray days = new JsonArray();
    byDay.forEach(
        (day, providers) -> {
          JsonArray perProvider = new JsonArray();
          BigDecimal dayTotal = BigDecimal.ZERO;
          for (Map.Entry<String, List<CostReportRepository.Line>> p : providers.entrySet()) {
            JsonArray kinds = new JsonArray();
            BigDecimal providerTotal = BigDecimal.ZERO;
            for (CostReportRepository.Line line : p.getValue()) {
              kinds.add(
                  new JsonObject()
                      .put("kind", line.kind())
                      .put("quantity", plain(line.quantity()))
                      .put("usd", plain(line.usd()))
                      .put("entries", line.entries()));
              providerTotal = providerTotal.add(line.usd());
            }
            perProvider.add(
                new JsonObject()
                    .put("provider", p.getKey())
                    .put("usd", plain(providerTotal))
                    .put("kinds", kinds));
            dayTotal = dayTotal.add(providerTotal);
          }
          days.add(
              new JsonObject()
                  .put("day", day.toString())
                  .put("usd", plain(dayTotal))
                  .put("providers", perProvider));
        });
    JsonArray totalsJson = new JsonArray();
    totals.forEach(
        (provider, usd) ->
            totalsJson.add(new JsonObject().put("provider", provider).put("usd", plain(usd))));
    JsonArray budgets = new JsonArray();
    new TreeMap<>(operations.dailyBudgetUsd())
        .forEach(
            (provider, budget) -> {
              BigDecimal spent = spentToday.getOrDefault(provider, BigDecimal.ZERO);
              budgets.add(
                  new JsonObject()
                      .put("provider", provider)
                      .put("dailyUsd", plain(budget))
                      .put("spentTodayUsd", plain(spent))
                      .put("reached", spent.compareTo(budget) >= 0));
            });
    return new JsonObject()
        .put("from", range.from().toString())
        .put("to", range.to().toString())
        .put("currency", "USD")
        .put("days", days)
        .put("totals", totalsJson)
        .put("budgets", budgets);
  }

  private static String plain(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
  }
}
