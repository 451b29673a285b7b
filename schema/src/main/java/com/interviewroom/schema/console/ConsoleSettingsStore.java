package com.interviewroom.schema.console;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.UUID;

/** The single row of alert settings ({@code console_settings}, id 1). */
public final class ConsoleSettingsStore {
  private static final String READ =
      "SELECT slack_webhook_url, failure_rate_threshold, health_below, updated_at FROM console_settings WHERE id = 1";
  private static final String WRITE =
      """
      UPDATE console_settings SET slack_webhook_url = $1, failure_rate_threshold = $2, health_below = $3, updated_by = $4, updated_at = now()
      WHERE id = 1 RETURNING slack_webhook_url, failure_rate_threshold, health_below, updated_at""";

  private final Database db;

  public ConsoleSettingsStore(Database db) {
    this.db = db;
  }

  /**
   * The settings; the webhook URL itself is a secret (anyone holding it can post to the channel),
   * so only whether one is set and its host.
   */
  public Future<JsonObject> read() {
    return db.asConsole(null, sql -> sql.query(READ).execute())
        .map(rows -> json(rows.iterator().next()));
  }

  /**
   * Replaces the settings; a null {@code webhookUrl} with {@code keepWebhook} leaves the stored
   * one.
   */
  public Future<JsonObject> write(
      String webhookUrl,
      boolean keepWebhook,
      BigDecimal failureRate,
      int healthBelow,
      UUID operatorId) {
    return db.asService(
            sql ->
                (keepWebhook
                        ? sql.query(READ)
                            .execute()
                            .map(rows -> rows.iterator().next().getString("slack_webhook_url"))
                        : Future.succeededFuture(webhookUrl))
                    .compose(
                        url ->
                            sql.preparedQuery(WRITE)
                                .execute(Tuple.of(url, failureRate, healthBelow, operatorId))))
        .map(rows -> json(rows.iterator().next()));
  }

  private static JsonObject json(Row r) {
    String url = r.getString("slack_webhook_url");
    String host = null;
    if (url != null) {
      try {
        host = java.net.URI.create(url).getHost();
      } catch (RuntimeException e) {
        host = null;
      }
    }
    return new JsonObject()
        .put("slackWebhookConfigured", url != null)
        .put("slackWebhookHost", host)
        .put("failureRateThreshold", r.getNumeric("failure_rate_threshold").doubleValue())
        .put("healthBelow", r.getInteger("health_below"))
        .put("updatedAt", ConsoleReadRepository.text(r.getOffsetDateTime("updated_at")));
  }
}
