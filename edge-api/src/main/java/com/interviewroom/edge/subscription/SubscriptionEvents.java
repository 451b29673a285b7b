package com.interviewroom.edge.subscription;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.edge.billing.StripeEvent;
import com.interviewroom.edge.billing.WebhookOutcome;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscription webhooks, applied inside the transaction that recorded the event id. Stripe may
 * deliver them in any order; {@code subscriptions.last_event_created} keeps an older event from
 * overwriting a newer state.
 */
public final class SubscriptionEvents {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionEvents.class);
  private static final String[] PAYABLE = {"incomplete", "past_due", "unpaid"};
  private static final String[] BILLED = {"active", "trialing", "past_due"};

  private SubscriptionEvents() {}

  /**
   * {@code customer.subscription.created|updated|deleted}: the object is the whole subscription.
   */
  public static Future<WebhookOutcome> subscriptionChanged(
      SqlConnection sql, StripeEvent event, String requestId, SubscriptionAccess access) {
    SubscriptionState state = fromSubscription(event.object(), event.type().endsWith(".deleted"));
    if (state == null) {
      LOG.warn(
          "Subscription event without a known status; ignored {}", kv("stripeEventId", event.id()));
      return Future.succeededFuture(WebhookOutcome.IGNORED);
    }
    return SubscriptionRepository.resolveUser(
            sql, uuid(event.metadata("user_id")), state.customerId(), state.subscriptionId())
        .compose(
            userId -> {
              if (userId == null) {
                return Future.succeededFuture(WebhookOutcome.IGNORED);
              }
              return SubscriptionRepository.applyEvent(sql, userId, state, event.created())
                  .compose(
                      applied ->
                          applied
                              ? access
                                  .settle(sql, userId)
                                  .compose(
                                      entitled ->
                                          audit(sql, requestId, userId, event, state.status()))
                                  .map(WebhookOutcome.PROCESSED)
                              : Future.succeededFuture(WebhookOutcome.IGNORED));
            });
  }

  /**
   * {@code invoice.paid} restores access after a failed payment; {@code invoice.payment_failed}
   * takes it away (past_due). The object is an invoice, so only the status and period end change.
   */
  public static Future<WebhookOutcome> invoice(
      SqlConnection sql, StripeEvent event, String requestId, SubscriptionAccess access) {
    String subscriptionId = invoiceSubscription(event.object());
    if (subscriptionId == null) {
      return Future.succeededFuture(WebhookOutcome.IGNORED);
    }
    boolean paid = event.type().equals("invoice.paid");
    String status = paid ? "active" : "past_due";
    return SubscriptionRepository.applyInvoice(
            sql,
            subscriptionId,
            status,
            event.created(),
            paid ? PAYABLE : BILLED,
            paid ? invoicePeriodEnd(event.object()) : null)
        .compose(
            applied ->
                applied
                    ? SubscriptionRepository.resolveUser(sql, null, null, subscriptionId)
                        .compose(
                            userId ->
                                access
                                    .settle(sql, userId)
                                    .compose(
                                        entitled -> audit(sql, requestId, userId, event, status)))
                        .map(WebhookOutcome.PROCESSED)
                    : Future.succeededFuture(WebhookOutcome.IGNORED));
  }

  /** Null when the status is not one Stripe documents. A deleted subscription is canceled. */
  static SubscriptionState fromSubscription(JsonObject sub, boolean deleted) {
    String status = deleted ? "canceled" : sub.getString("status");
    String id = sub.getString("id");
    if (status == null || id == null || !SubscriptionState.STATUSES.contains(status)) {
      return null;
    }
    return new SubscriptionState(
        id,
        customer(sub.getValue("customer")),
        status,
        periodEnd(sub),
        Boolean.TRUE.equals(sub.getBoolean("cancel_at_period_end")));
  }

  /**
   * Since API version 2025-03-31 the period lives on the subscription items; older payloads had it
   * on top.
   */
  static Instant periodEnd(JsonObject sub) {
    JsonObject items = sub.getValue("items") instanceof JsonObject i ? i : null;
    JsonArray data = items != null && items.getValue("data") instanceof JsonArray d ? d : null;
    Long end = null;
    if (data != null) {
      for (Object item : data) {
        if (item instanceof JsonObject o && o.getValue("current_period_end") instanceof Number n) {
          end = end == null ? n.longValue() : Math.max(end, n.longValue());
        }
      }
    }
    if (end == null && sub.getValue("current_period_end") instanceof Number n) {
      end = n.longValue();
    }
    return end == null ? null : Instant.ofEpochSecond(end);
  }

  private static String customer(Object value) {
    if (value instanceof String s) {
      return s;
    }
    return value instanceof JsonObject o ? o.getString("id") : null;
  }

  /**
   * {@code parent.subscription_details.subscription} (clover), or the older top-level {@code
   * subscription}.
   */
  private static String invoiceSubscription(JsonObject invoice) {
    JsonObject parent = invoice.getValue("parent") instanceof JsonObject p ? p : null;
    JsonObject details =
        parent != null && parent.getValue("subscription_details") instanceof JsonObject d
            ? d
            : null;
    Object sub =
        details != null ? details.getValue("subscription") : invoice.getValue("subscription");
    if (sub instanceof String s) {
      return s;
    }
    return sub instanceof JsonObject o ? o.getString("id") : null;
  }

  private static Instant invoicePeriodEnd(JsonObject invoice) {
    JsonObject lines = invoice.getValue("lines") instanceof JsonObject l ? l : null;
    JsonArray data = lines != null && lines.getValue("data") instanceof JsonArray d ? d : null;
    if (data == null || data.isEmpty() || !(data.getValue(0) instanceof JsonObject line)) {
      return null;
    }
    JsonObject period = line.getValue("period") instanceof JsonObject p ? p : null;
    return period != null && period.getValue("end") instanceof Number n
        ? Instant.ofEpochSecond(n.longValue())
        : null;
  }

  private static Future<Void> audit(
      SqlConnection sql, String requestId, UUID userId, StripeEvent event, String status) {
    return EventLog.append(
        sql,
        new EventRecord(
            requestId,
            userId,
            null,
            null,
            "subscription.status",
            null,
            new JsonObject()
                .put("status", status)
                .put("stripeEventType", event.type())
                .put("stripeEventId", event.id())));
  }

  private static UUID uuid(String value) {
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
