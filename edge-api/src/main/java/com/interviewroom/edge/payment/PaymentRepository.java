package com.interviewroom.edge.payment;

import com.interviewroom.edge.billing.BillingPlans;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code payments}, {@code stripe_events} and purchase rows of the credit ledger. */
final class PaymentRepository {
  static final String STATUS_CREATED = "requires_payment_method";
  static final String STATUS_SUCCEEDED = "succeeded";
  static final String STATUS_FAILED = "failed";

  /** A retried create-intent (same idempotency key, same PaymentIntent) keeps the first row. */
  private static final String INSERT_PAYMENT =
      """
      INSERT INTO payments (user_id, stripe_payment_intent_id, package_id, amount_cents, currency, status, credits)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (stripe_payment_intent_id) DO NOTHING""";

  /**
   * The unique event id is the de-duplication: a repeat delivery inserts nothing and does nothing.
   */
  private static final String RECORD_EVENT =
      """
      INSERT INTO stripe_events (id, type, created, processed_at)
      VALUES ($1, $2, to_timestamp($3), now())
      ON CONFLICT (id) DO NOTHING
      RETURNING id""";

  private static final String LOCK_BY_INTENT =
      """
      SELECT id, user_id, package_id, amount_cents, currency, credits, status
        FROM payments WHERE stripe_payment_intent_id = $1 FOR UPDATE""";

  private static final String BALANCE =
      "SELECT credits, subscription_tier FROM profiles WHERE user_id = $1";

  private static final String USER_EXISTS = "SELECT 1 FROM profiles WHERE user_id = $1";

  private static final String MARK =
      "UPDATE payments SET status = $2, updated_at = now() WHERE id = $1";

  /** A late failure event never downgrades a payment that already succeeded. */
  private static final String MARK_FAILED =
      """
      UPDATE payments SET status = 'failed', updated_at = now()
       WHERE stripe_payment_intent_id = $1 AND status <> 'succeeded'
      RETURNING user_id, package_id""";

  /**
   * The ledger's own unique idempotency key (the PaymentIntent id) is the second guard against a
   * double credit.
   */
  private static final String CREDIT =
      """
      INSERT INTO credit_transactions (user_id, delta, reason, payment_id, idempotency_key)
      VALUES ($1, $2, 'purchase', $3, $4)
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id""";

  private static final String FIND_FOR_USER =
      """
      SELECT p.stripe_payment_intent_id, p.package_id, p.amount_cents, p.currency, p.status, p.credits, p.created_at,
             (SELECT e.payload::text FROM events e
               WHERE e.user_id = p.user_id AND e.kind = 'payment.failed'
                 AND e.payload->>'paymentIntentId' = p.stripe_payment_intent_id
               ORDER BY e.id DESC LIMIT 1) AS last_error
        FROM payments p
       WHERE p.stripe_payment_intent_id = $1""";

  record Payment(
      UUID id,
      UUID userId,
      String packageId,
      long amountCents,
      String currency,
      int credits,
      String status) {
    static Payment of(Row row) {
      return new Payment(
          row.getUUID("id"),
          row.getUUID("user_id"),
          row.getString("package_id"),
          row.getLong("amount_cents"),
          row.getString("currency"),
          row.getInteger("credits"),
          row.getString("status"));
    }
  }

  private PaymentRepository() {}

  static Future<Void> insert(
      SqlClient sql, UUID userId, String paymentIntentId, BillingPlans.Plan plan) {
    return sql.preparedQuery(INSERT_PAYMENT)
        .execute(
            Tuple.of(
                userId,
                paymentIntentId,
                plan.id(),
                plan.amountCents(),
                plan.currency(),
                STATUS_CREATED,
                plan.credits()))
        .mapEmpty();
  }

  /** True when this event id is new; false for a duplicate delivery. */
  static Future<Boolean> recordEvent(SqlClient sql, String eventId, String type, long created) {
    return sql.preparedQuery(RECORD_EVENT)
        .execute(Tuple.of(eventId, type, created))
        .map(rows -> rows.size() == 1);
  }

  static Future<Optional<Payment>> lockByIntent(SqlClient sql, String paymentIntentId) {
    return sql.preparedQuery(LOCK_BY_INTENT)
        .execute(Tuple.of(paymentIntentId))
        .map(PaymentRepository::first);
  }

  /** {@code {credits, tier}} of the caller's profile. */
  static Future<JsonObject> balance(SqlClient sql, UUID userId) {
    return sql.preparedQuery(BALANCE)
        .execute(Tuple.of(userId))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              return new JsonObject()
                  .put("credits", row.getInteger("credits"))
                  .put("tier", row.getString("subscription_tier"));
            });
  }

  static Future<Boolean> userExists(SqlClient sql, UUID userId) {
    return sql.preparedQuery(USER_EXISTS).execute(Tuple.of(userId)).map(rows -> rows.size() == 1);
  }

  static Future<Payment> insertAndLock(
      SqlClient sql, UUID userId, String paymentIntentId, BillingPlans.Plan plan) {
    return insert(sql, userId, paymentIntentId, plan)
        .compose(done -> lockByIntent(sql, paymentIntentId))
        .map(Optional::orElseThrow);
  }

  static Future<Void> mark(SqlClient sql, UUID paymentId, String status) {
    return sql.preparedQuery(MARK).execute(Tuple.of(paymentId, status)).mapEmpty();
  }

  static Future<Optional<Row>> markFailed(SqlClient sql, String paymentIntentId) {
    return sql.preparedQuery(MARK_FAILED)
        .execute(Tuple.of(paymentIntentId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  /** True when the credits were added now; false when this PaymentIntent was already credited. */
  static Future<Boolean> credit(SqlClient sql, Payment payment, String paymentIntentId) {
    return sql.preparedQuery(CREDIT)
        .execute(Tuple.of(payment.userId(), payment.credits(), payment.id(), paymentIntentId))
        .map(rows -> rows.size() == 1);
  }

  /**
   * The caller's own payment (row-level security hides everyone else's), with its last failure if
   * any.
   */
  static Future<Optional<JsonObject>> findForUser(SqlClient sql, String paymentIntentId) {
    return sql.preparedQuery(FIND_FOR_USER)
        .execute(Tuple.of(paymentIntentId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              String status = row.getString("status");
              JsonObject json =
                  new JsonObject()
                      .put("paymentIntentId", row.getString("stripe_payment_intent_id"))
                      .put("packageId", row.getString("package_id"))
                      .put("amount", row.getLong("amount_cents"))
                      .put("currency", row.getString("currency"))
                      .put("credits", row.getInteger("credits"))
                      .put("status", status)
                      .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString());
              String lastError = row.getString("last_error");
              if (STATUS_FAILED.equals(status) && lastError != null) {
                JsonObject error = new JsonObject(lastError);
                json.put(
                    "lastError",
                    new JsonObject()
                        .put("code", error.getString("errorCode"))
                        .put("declineCode", error.getString("declineCode"))
                        .put("message", error.getString("message")));
              }
              return Optional.of(json);
            });
  }

  private static Optional<Payment> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Payment.of(rows.iterator().next()));
  }
}
