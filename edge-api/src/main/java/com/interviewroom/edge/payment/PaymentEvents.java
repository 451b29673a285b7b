package com.interviewroom.edge.payment;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.edge.billing.BillingPlans;
import com.interviewroom.edge.billing.StripeEvent;
import com.interviewroom.edge.billing.WebhookOutcome;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code payment_intent.succeeded} and {@code payment_intent.payment_failed}, applied inside the
 * transaction that recorded the event id, so a credit and its event id commit (or roll back)
 * together.
 */
final class PaymentEvents {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentEvents.class);

  private PaymentEvents() {}

  static Future<WebhookOutcome> succeeded(SqlConnection sql, StripeEvent event, String requestId) {
    if (!(event.object().getValue("id") instanceof String intentId)) {
      return Future.succeededFuture(WebhookOutcome.IGNORED);
    }
    return PaymentRepository.lockByIntent(sql, intentId)
        .compose(
            found ->
                found.isPresent()
                    ? Future.succeededFuture(found)
                    : adoptFromMetadata(sql, event, intentId))
        .compose(
            found -> {
              if (found.isEmpty()) {
                // not one of our credit packs (for example a subscription invoice's PaymentIntent)
                return Future.succeededFuture(WebhookOutcome.IGNORED);
              }
              PaymentRepository.Payment payment = found.get();
              if (!charged(event.object(), payment.amountCents(), payment.currency())) {
                LOG.error(
                    "PaymentIntent amount differs from the package price; not crediting {} {}",
                    kv("stripeEventId", event.id()),
                    kv("paymentIntentId", intentId));
                return Future.succeededFuture(WebhookOutcome.IGNORED);
              }
              return credit(
                  sql,
                  payment,
                  intentId,
                  requestId,
                  new JsonObject().put("stripeEventId", event.id()));
            });
  }

  /**
   * A success the server read back from Stripe's API ({@code GET /v1/payment_intents/{id}}) before
   * the webhook arrived: credited exactly as the webhook would (same ledger key, so the webhook
   * that lands later is a duplicate). {@code intent} is Stripe's object; only {@code succeeded}
   * with the package's exact amount and currency credits.
   */
  static Future<Boolean> confirmed(SqlConnection sql, JsonObject intent, String requestId) {
    String intentId = intent.getString("id");
    if (!"succeeded".equals(intent.getString("status"))) {
      return Future.succeededFuture(false);
    }
    return PaymentRepository.lockByIntent(sql, intentId)
        .compose(
            found -> {
              if (found.isEmpty()
                  || !charged(intent, found.get().amountCents(), found.get().currency())) {
                LOG.error(
                    "Confirmed PaymentIntent without a matching payment row; not crediting {}",
                    kv("paymentIntentId", intentId));
                return Future.succeededFuture(false);
              }
              return credit(
                      sql, found.get(), intentId, requestId, new JsonObject().put("source", "api"))
                  .map(outcome -> outcome == WebhookOutcome.PROCESSED);
            });
  }

  /**
   * Marks the locked payment succeeded and adds its credits once (the ledger's key is the
   * PaymentIntent id).
   */
  private static Future<WebhookOutcome> credit(
      SqlConnection sql,
      PaymentRepository.Payment payment,
      String intentId,
      String requestId,
      JsonObject auditExtra) {
    return PaymentRepository.mark(sql, payment.id(), PaymentRepository.STATUS_SUCCEEDED)
        .compose(done -> PaymentRepository.credit(sql, payment, intentId))
        .compose(
            credited ->
                !credited
                    ? Future.succeededFuture(WebhookOutcome.DUPLICATE)
                    : EventLog.append(
                            sql,
                            new EventRecord(
                                requestId,
                                payment.userId(),
                                null,
                                null,
                                "payment.succeeded",
                                null,
                                new JsonObject()
                                    .put("paymentIntentId", intentId)
                                    .put("packageId", payment.packageId())
                                    .put("credits", payment.credits())
                                    .mergeIn(auditExtra)))
                        .map(WebhookOutcome.PROCESSED));
  }

  static Future<WebhookOutcome> failed(SqlConnection sql, StripeEvent event, String requestId) {
    String intentId = event.object().getString("id");
    JsonObject error =
        event.object().getValue("last_payment_error") instanceof JsonObject e
            ? e
            : new JsonObject();
    return PaymentRepository.markFailed(sql, intentId)
        .compose(
            row -> {
              if (row.isEmpty()) {
                return Future.succeededFuture(WebhookOutcome.IGNORED);
              }
              // kept in the audit log: GET /api/payments/{id} reads the latest one back so the
              // client can offer a retry
              JsonObject payload =
                  new JsonObject()
                      .put("paymentIntentId", intentId)
                      .put("packageId", row.get().getString("package_id"))
                      .put("errorCode", error.getString("code"))
                      .put("declineCode", error.getString("decline_code"))
                      .put("message", error.getString("message"))
                      .put("stripeEventId", event.id());
              return EventLog.append(
                      sql,
                      new EventRecord(
                          requestId,
                          row.get().getUUID("user_id"),
                          null,
                          null,
                          "payment.failed",
                          null,
                          payload))
                  .map(WebhookOutcome.PROCESSED);
            });
  }

  /** The intent's amount and currency are exactly the package price. */
  private static boolean charged(JsonObject intent, long amountCents, String currency) {
    return intent.getValue("amount") instanceof Number amount
        && amount.longValue() == amountCents
        && intent.getValue("currency") instanceof String sent
        && currency.equalsIgnoreCase(sent);
  }

  /**
   * A success for an intent we have no row for (the row insert after creating the intent failed):
   * trusted only when the metadata names a real user and a pack whose price equals the amount.
   * Anything else adds no row, so the event is recorded and ignored.
   */
  private static Future<Optional<PaymentRepository.Payment>> adoptFromMetadata(
      SqlConnection sql, StripeEvent event, String intentId) {
    Optional<BillingPlans.Plan> plan = BillingPlans.creditPack(event.metadata("package_id"));
    UUID userId = uuid(event.metadata("user_id"));
    if (plan.isEmpty()
        || userId == null
        || !charged(event.object(), plan.get().amountCents(), plan.get().currency())) {
      if (plan.isPresent() || userId != null) {
        LOG.warn(
            "PaymentIntent without a payment row and with unusable metadata; not crediting {} {}",
            kv("stripeEventId", event.id()),
            kv("paymentIntentId", intentId));
      }
      return Future.succeededFuture(Optional.empty());
    }
    return PaymentRepository.userExists(sql, userId)
        .compose(
            exists ->
                exists
                    ? PaymentRepository.insertAndLock(sql, userId, intentId, plan.get())
                        .map(Optional::of)
                    : Future.succeededFuture(Optional.empty()));
  }

  private static UUID uuid(String value) {
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
