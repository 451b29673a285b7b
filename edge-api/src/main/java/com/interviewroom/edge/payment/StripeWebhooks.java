package com.interviewroom.edge.payment;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.billing.StripeEvent;
import com.interviewroom.edge.billing.WebhookOutcome;
import com.interviewroom.edge.subscription.SubscriptionAccess;
import com.interviewroom.edge.subscription.SubscriptionEvents;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verified, exactly-once handling of Stripe deliveries. The event id goes into {@code
 * stripe_events} in the same transaction as the effect: a duplicate or retried delivery inserts
 * nothing and changes nothing, and a failed effect rolls the id back so Stripe's retry runs it
 * again.
 */
public final class StripeWebhooks {
  private static final Logger LOG = LoggerFactory.getLogger(StripeWebhooks.class);

  private final Database db;
  private final String secret;
  private final Clock clock;
  private final SubscriptionAccess access;

  /** {@code secret} null: deliveries answer 503 (Stripe retries them for three days). */
  public StripeWebhooks(Database db, String secret, Clock clock, SubscriptionAccess access) {
    this.db = db;
    this.secret = secret;
    this.clock = clock;
    this.access = access;
  }

  public Future<WebhookOutcome> handle(String signatureHeader, Buffer rawBody, String requestId) {
    if (secret == null) {
      return Future.failedFuture(PaymentService.notConfigured());
    }
    byte[] bytes = rawBody == null ? new byte[0] : rawBody.getBytes();
    WebhookSignature.Verdict verdict =
        WebhookSignature.verify(signatureHeader, bytes, secret, clock);
    if (verdict != WebhookSignature.Verdict.VALID) {
      LOG.warn(
          "Stripe webhook refused {} {}", kv("requestId", requestId), kv("reason", verdict.name()));
      return Future.failedFuture(
          Problems.badRequest(
              "invalid_signature",
              "The Stripe-Signature header is missing, stale or does not match the body."));
    }
    StripeEvent event = StripeEvent.parse(Buffer.buffer(bytes));
    return db.asService(
            sql ->
                PaymentRepository.recordEvent(sql, event.id(), event.type(), event.created())
                    .compose(
                        fresh ->
                            fresh
                                ? apply(sql, event, requestId)
                                : Future.succeededFuture(WebhookOutcome.DUPLICATE)))
        .onSuccess(
            outcome ->
                LOG.info(
                    "Stripe webhook {} {} {} {}",
                    kv("requestId", requestId),
                    kv("stripeEventId", event.id()),
                    kv("stripeEventType", event.type()),
                    kv("outcome", outcome.wire())));
  }

  private Future<WebhookOutcome> apply(SqlConnection sql, StripeEvent event, String requestId) {
    return switch (event.type()) {
      case "payment_intent.succeeded" -> PaymentEvents.succeeded(sql, event, requestId);
      case "payment_intent.payment_failed" -> PaymentEvents.failed(sql, event, requestId);
      case "customer.subscription.created",
          "customer.subscription.updated",
          "customer.subscription.deleted" ->
          SubscriptionEvents.subscriptionChanged(sql, event, requestId, access);
      case "invoice.paid", "invoice.payment_failed" ->
          SubscriptionEvents.invoice(sql, event, requestId, access);
      default -> Future.succeededFuture(WebhookOutcome.IGNORED);
    };
  }
}
