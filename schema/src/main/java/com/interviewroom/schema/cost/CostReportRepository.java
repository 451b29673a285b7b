package com.interviewroom.schema.cost;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads of the {@code costs} table, as the reporting role. */
public final class CostReportRepository {
  private static final String RANGE =
      """
      SELECT day, provider, kind, quantity::text AS quantity, usd::text AS usd, entries
      FROM costs WHERE day BETWEEN $1 AND $2 ORDER BY day, provider, kind""";
  private static final String DAY_BY_PROVIDER =
      "SELECT provider, sum(usd)::text AS usd FROM costs WHERE day = $1 GROUP BY provider";

  /** One {@code costs} row: a day's total of one usage kind of one provider. */
  public record Line(
      LocalDate day,
      String provider,
      String kind,
      BigDecimal quantity,
      BigDecimal usd,
      long entries) {}

  private final Database db;

  public CostReportRepository(Database db) {
    this.db = db;
  }

  /**
   * Every row from {@code from} to {@code to}, both included, ordered by day, provider and kind.
   */
  public Future<List<Line>> range(LocalDate from, LocalDate to) {
    return db.asReporting(conn -> conn.preparedQuery(RANGE).execute(Tuple.of(from, to)))
        .map(
            rows -> {
              List<Line> lines = new ArrayList<>();
              for (Row r : rows) {
                lines.add(
                    new Line(
                        r.getLocalDate("day"),
                        r.getString("provider"),
                        r.getString("kind"),
                        new BigDecimal(r.getString("quantity")),
                        new BigDecimal(r.getString("usd")),
                        r.getLong("entries")));
              }
              return lines;
            });
  }

  /** USD spent on {@code day} per provider; a provider with nothing recorded is absent. */
  public Future<Map<String, BigDecimal>> spentOn(LocalDate day) {
    return db.asReporting(conn -> conn.preparedQuery(DAY_BY_PROVIDER).execute(Tuple.of(day)))
        .map(
            rows -> {
              Map<String, BigDecimal> spent = new TreeMap<>();
              for (Row r : rows) {
                spent.put(r.getString("provider"), new BigDecimal(r.getString("usd")));
              }
              return spent;
            });
  }
}
