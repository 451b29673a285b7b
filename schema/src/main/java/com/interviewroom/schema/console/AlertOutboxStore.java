package com.interviewroom.schema.console;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Slack messages waiting to be sent ({@code alert_deliveries}). Queued by key in the transaction
 * that found their reason ({@link FailureStore}); a key already queued is a duplicate and adds
 * nothing. Senders {@link #claim} due rows by pushing their next attempt out (a lease: a crashed
 * sender's rows come due again), so any number of edges can send without sending one message twice
 * at once.
 */
public final class AlertOutboxStore {
  /** How long a claimed delivery is leased to its sender before another may try it. */
  public static final int LEASE_SECONDS = 30; // three times the sender's request timeout

  /** Attempts before a delivery is given up (Slack said no for good, or kept failing). */
  public static final int MAX_ATTEMPTS = 8;

  private static final String ENQUEUE =
      """
      INSERT INTO alert_deliveries (dedup_key, session_id, text) VALUES ($1, $2, $3) ON CONFLICT (dedup_key) DO NOTHING""";
  private static final String CLAIM =
      """
      UPDATE alert_deliveries SET next_attempt_at = now() + make_interval(secs => $2), attempts = attempts + 1
      WHERE dedup_key IN (SELECT dedup_key FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
                          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING dedup_key, text, attempts""";
  private static final String SENT =
      "UPDATE alert_deliveries SET status = 'sent', sent_at = now(), last_error = NULL WHERE dedup_key = $1";
  private static final String RETRY =
      """
      UPDATE alert_deliveries SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3,
        status = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'pending' END WHERE dedup_key = $1""";
  private static final String GIVE_UP =
      "UPDATE alert_deliveries SET status = 'failed', last_error = $2 WHERE dedup_key = $1";

  private final Database db;

  public AlertOutboxStore(Database db) {
    this.db = db;
  }

  public record Delivery(String key, String text, int attempts) {}

  static Future<Void> enqueue(SqlConnection sql, String key, UUID sessionId, String text) {
    return sql.preparedQuery(ENQUEUE)
        .execute(Tuple.of(key, sessionId, text.length() > 3900 ? text.substring(0, 3900) : text))
        .mapEmpty();
  }

  public Future<List<Delivery>> claim(int max) {
    return db.asService(
        sql ->
            sql.preparedQuery(CLAIM)
                .execute(Tuple.of(max, LEASE_SECONDS))
                .map(
                    rows -> {
                      List<Delivery> out = new ArrayList<>();
                      for (Row r : rows) {
                        out.add(
                            new Delivery(
                                r.getString("dedup_key"),
                                r.getString("text"),
                                r.getInteger("attempts")));
                      }
                      return out;
                    }));
  }

  public Future<Void> sent(String key) {
    return db.asService(sql -> sql.preparedQuery(SENT).execute(Tuple.of(key))).mapEmpty();
  }

  /** Tries again after {@code delaySeconds}, or gives up once {@link #MAX_ATTEMPTS} were made. */
  public Future<Void> retryLater(String key, double delaySeconds, String error) {
    return db.asService(
            sql ->
                sql.preparedQuery(RETRY).execute(Tuple.of(key, delaySeconds, error, MAX_ATTEMPTS)))
        .mapEmpty();
  }

  public Future<Void> giveUp(String key, String error) {
    return db.asService(sql -> sql.preparedQuery(GIVE_UP).execute(Tuple.of(key, error))).mapEmpty();
  }

  /** The webhook to send to, read afresh each round (operators change it in the console). */
  public Future<String> webhookUrl() {
    return db.asService(
        sql ->
            sql.query("SELECT slack_webhook_url FROM console_settings WHERE id = 1")
                .execute()
                .map(rows -> rows.iterator().next().getString("slack_webhook_url")));
  }
}
