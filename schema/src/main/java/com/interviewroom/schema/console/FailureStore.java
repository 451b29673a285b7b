package com.interviewroom.schema.console;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Records what the failure detector found, in one transaction as {@code app_service}: the failure
 * (a duplicate dedup key is a no-op), the session's recomputed health, and the Slack alerts it
 * calls for (an outbox: {@link AlertOutboxStore} sends them later, so a Slack outage never loses or
 * blocks a detection, and a retried detection never alerts twice).
 */
public final class FailureStore {
  private static final String INSERT =
      """
      INSERT INTO failures (session_id, kind, severity, dedup_key, provider, problem_id, evidence, detected_at)
      SELECT s.id, $2, $3, $4, s.provider, s.problem_id, $5, $6 FROM sessions s WHERE s.id = $1
      ON CONFLICT (dedup_key) DO NOTHING
      RETURNING id, provider, (SELECT slug FROM problems p WHERE p.id = failures.problem_id) AS problem""";
  private static final String PREVIOUS = "SELECT score FROM session_health WHERE session_id = $1";

  /**
   * One detector transaction per session at a time: two failures found at once must both count in
   * the health.
   */
  private static final String LOCK_SESSION =
      "SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7215))";

  private static final String OF_SESSION =
      "SELECT id, kind FROM failures WHERE session_id = $1 ORDER BY id";
  private static final String UPSERT_HEALTH =
      """
      INSERT INTO session_health (session_id, score, breakdown, failure_count, updated_at) VALUES ($1, $2, $3, $4, now())
      ON CONFLICT (session_id) DO UPDATE SET score = EXCLUDED.score, breakdown = EXCLUDED.breakdown,
        failure_count = EXCLUDED.failure_count, updated_at = now()""";
  private static final String SETTINGS =
      "SELECT slack_webhook_url, failure_rate_threshold, health_below FROM console_settings WHERE id = 1";

  /** The share of the last day's sessions with at least one failure. */
  private static final String FAILURE_RATE =
      """
      SELECT (SELECT count(DISTINCT session_id) FROM failures WHERE detected_at >= now() - interval '1 day') AS failing,
             (SELECT count(*) FROM sessions WHERE created_at >= now() - interval '1 day') AS total""";

  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");

  private final Database db;
  private final String consoleBaseUrl;

  /**
   * @param publicBaseUrl where the web app is served ({@code PUBLIC_BASE_URL}): alerts link to its
   *     {@code /admin}
   */
  public FailureStore(Database db, String publicBaseUrl) {
    this.db = db;
    this.consoleBaseUrl =
        (publicBaseUrl.endsWith("/")
                ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl)
            + "/admin";
  }

  /** A failure just recorded, with the session's health before and after it. */
  public record Recorded(
      long failureId, Detection detection, Integer previousScore, int score, List<String> alerts) {}

  /**
   * Null when the failure was already recorded (same session, kind and window) or the session is
   * unknown.
   */
  public Future<Recorded> record(Detection found) {
    FailureKind kind = found.kind();
    OffsetDateTime at =
        OffsetDateTime.ofInstant(Instant.ofEpochMilli(found.atMs()), ZoneOffset.UTC);
    Tuple insert =
        Tuple.of(
            found.sessionId(),
            kind.dbValue(),
            kind.severity.dbValue(),
            kind.dedupKey(found.sessionId(), found.atMs()),
            found.evidence(),
            at);
    return db.asService(
        sql ->
            sql.preparedQuery(LOCK_SESSION)
                .execute(Tuple.of(found.sessionId().toString()))
                .compose(locked -> sql.preparedQuery(INSERT).execute(insert))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(null);
                      }
                      Row row = rows.iterator().next();
                      long id = row.getLong("id");
                      String provider = row.getString("provider");
                      String problem = row.getString("problem");
                      return sql.preparedQuery(PREVIOUS)
                          .execute(Tuple.of(found.sessionId()))
                          .compose(
                              prev -> {
                                Integer previous =
                                    prev.size() == 0
                                        ? null
                                        : prev.iterator().next().getInteger("score");
                                return recompute(sql, found.sessionId())
                                    .compose(
                                        health ->
                                            alerts(
                                                    sql,
                                                    id,
                                                    found,
                                                    provider,
                                                    problem,
                                                    previous,
                                                    health.score())
                                                .map(
                                                    keys ->
                                                        new Recorded(
                                                            id,
                                                            found,
                                                            previous,
                                                            health.score(),
                                                            keys)));
                              });
                    }));
  }

  /**
   * Recomputes the session's health from all its failures (also used by tests and the benchmark's
   * seeding).
   */
  public static Future<HealthScore.Result> recompute(SqlConnection sql, UUID sessionId) {
    return sql.preparedQuery(OF_SESSION)
        .execute(Tuple.of(sessionId))
        .compose(
            rows -> {
              List<HealthScore.Counted> counted = new ArrayList<>();
              for (Row r : rows) {
                FailureKind.of(r.getString("kind"))
                    .ifPresent(k -> counted.add(new HealthScore.Counted(r.getLong("id"), k)));
              }
              HealthScore.Result result = HealthScore.of(counted);
              return sql.preparedQuery(UPSERT_HEALTH)
                  .execute(Tuple.of(sessionId, result.score(), result.breakdown(), counted.size()))
                  .map(result);
            });
  }

  /** The alerts this failure calls for, queued in this transaction; none without a webhook. */
  private Future<List<String>> alerts(
      SqlConnection sql,
      long failureId,
      Detection found,
      String provider,
      String problem,
      Integer previous,
      int score) {
    return sql.query(SETTINGS)
        .execute()
        .compose(
            rows -> {
              Row settings = rows.iterator().next();
              List<String> keys = new ArrayList<>();
              if (settings.getString("slack_webhook_url") == null) {
                return Future.succeededFuture(keys);
              }
              int healthBelow = settings.getInteger("health_below");
              double rateThreshold = settings.getNumeric("failure_rate_threshold").doubleValue();
              String link = consoleBaseUrl + "/sessions/" + found.sessionId();
              String where =
                  " (provider "
                      + (provider == null ? "none" : provider)
                      + ", problem "
                      + (problem == null ? "unknown" : problem)
                      + ")";
              Future<Void> queued = Future.succeededFuture();
              if (found.kind().severity == FailureKind.Severity.HIGH) {
                String key = "failure:" + failureId;
                keys.add(key);
                queued =
                    queued.compose(
                        v ->
                            AlertOutboxStore.enqueue(
                                sql,
                                key,
                                found.sessionId(),
                                ":rotating_light: High-severity failure *"
                                    + found.kind().dbValue()
                                    + "* in interview "
                                    + found.sessionId()
                                    + where
                                    + ". Health "
                                    + score
                                    + "/100. <"
                                    + link
                                    + "|Open in the console>"));
              }
              if ((previous == null || previous >= healthBelow) && score < healthBelow) {
                String key = "health:" + found.sessionId();
                keys.add(key);
                queued =
                    queued.compose(
                        v ->
                            AlertOutboxStore.enqueue(
                                sql,
                                key,
                                found.sessionId(),
                                ":warning: Interview "
                                    + found.sessionId()
                                    + " fell below health "
                                    + healthBelow
                                    + " (now "
                                    + score
                                    + "/100, latest failure "
                                    + found.kind().dbValue()
                                    + ")"
                                    + where
                                    + ". <"
                                    + link
                                    + "|Open in the console>"));
              }
              return queued
                  .compose(v -> sql.query(FAILURE_RATE).execute())
                  .compose(
                      rate -> {
                        Row r = rate.iterator().next();
                        long total = r.getLong("total");
                        double share = total == 0 ? 0 : (double) r.getLong("failing") / total;
                        if (total == 0 || share < rateThreshold) {
                          return Future.succeededFuture(keys);
                        }
                        // at most one failure-rate alert per hour, however many failures keep it
                        // above the threshold
                        String key =
                            "failure-rate:" + HOUR.format(OffsetDateTime.now(ZoneOffset.UTC));
                        keys.add(key);
                        return AlertOutboxStore.enqueue(
                                sql,
                                key,
                                null,
                                ":chart_with_upwards_trend: "
                                    + Math.round(share * 100)
                                    + "% of the last day's interviews had a failure (threshold "
                                    + Math.round(rateThreshold * 100)
                                    + "%). <"
                                    + consoleBaseUrl
                                    + "|Open the console>")
                            .map(keys);
                      });
            });
  }

  /** The evidence a failure row carries about the stream entry it came from. */
  public static JsonObject evidence(String entryId, String type, JsonObject data) {
    return new JsonObject().put("entryId", entryId).put("event", type).put("data", data);
  }
}
