package com.interviewroom.edge.payment;

import com.interviewroom.common.crypto.Hmac;
import com.interviewroom.edge.billing.StripeGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Webhook deliveries as Stripe sends them: an event envelope of API version 2025-10-29.clover and a
 * {@code Stripe-Signature} of {@code t=<seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 */
public final class StripeDeliveries {
  public static final String WEBHOOK_SECRET =
      "whsec_test_" + UUID.randomUUID().toString().replace("-", "");

  private StripeDeliveries() {}

  /** The exact bytes Stripe would POST. */
  public static byte[] event(String type, JsonObject object, long created) {
    return event("evt_" + UUID.randomUUID().toString().replace("-", ""), type, object, created);
  }

  public static byte[] event(String id, String type, JsonObject object, long created) {
    return new JsonObject()
        .put("id", id)
        .put("object", "event")
        .put("api_version", StripeGateway.API_VERSION)
        .put("created", created)
        .put("data", new JsonObject().put("object", object))
        .put("livemode", false)
        .put("pending_webhooks", 1)
        .put("request", new JsonObject().put("id", null).put("idempotency_key", null))
        .put("type", type)
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }

  public static String signature(String secret, long timestamp, byte[] body) {
    return "t=" + timestamp + ",v1=" + Hmac.sha256Hex(secret, timestamp + ".", body);
  }

  public static String signature(byte[] body) {
    return signature(WEBHOOK_SECRET, Instant.now().getEpochSecond(), body);
  }

  public static JsonObject paymentIntent(
      String id, long amount, String userId, String packageId, String status) {
    return new JsonObject()
        .put("id", id)
        .put("object", "payment_intent")
        .put("amount", amount)
        .put("amount_received", "succeeded".equals(status) ? amount : 0)
        .put("currency", "usd")
        .put("livemode", false)
        .put("metadata", new JsonObject().put("user_id", userId).put("package_id", packageId))
        .put("status", status);
  }

  public static JsonObject declined(JsonObject paymentIntent) {
    return paymentIntent
        .copy()
        .put("status", "requires_payment_method")
        .put(
            "last_payment_error",
            new JsonObject()
                .put("type", "card_error")
                .put("code", "card_declined")
                .put("decline_code", "insufficient_funds")
                .put("message", "Your card has insufficient funds."));
  }

  /** A subscription in the clover shape: the period lives on the item. */
  public static JsonObject subscription(
      String id,
      String customer,
      String status,
      long periodEnd,
      boolean cancelAtPeriodEnd,
      String userId) {
    return new JsonObject()
        .put("id", id)
        .put("object", "subscription")
        .put("customer", customer)
        .put("status", status)
        .put("cancel_at_period_end", cancelAtPeriodEnd)
        .put("livemode", false)
        .put("metadata", new JsonObject().put("user_id", userId))
        .put(
            "items",
            new JsonObject()
                .put("object", "list")
                .put("has_more", false)
                .put(
                    "data",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", "si_" + id)
                                .put("object", "subscription_item")
                                .put("current_period_start", periodEnd - 30L * 86_400)
                                .put("current_period_end", periodEnd)
                                .put(
                                    "price",
                                    new JsonObject()
                                        .put("id", FakeStripe.PRICE_UNLIMITED)
                                        .put("object", "price")))));
  }

  /**
   * An invoice of a subscription: {@code parent.subscription_details.subscription}, lines with a
   * period.
   */
  public static JsonObject invoice(
      String subscriptionId, String customer, String status, long periodEnd) {
    return new JsonObject()
        .put("id", "in_" + UUID.randomUUID().toString().replace("-", ""))
        .put("object", "invoice")
        .put("customer", customer)
        .put("status", status)
        .put("amount_due", 4999)
        .put("currency", "usd")
        .put(
            "parent",
            new JsonObject()
                .put("type", "subscription_details")
                .put("subscription_details", new JsonObject().put("subscription", subscriptionId)))
        .put(
            "lines",
            new JsonObject()
                .put("object", "list")
                .put(
                    "data",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("object", "line_item")
                                .put(
                                    "period",
                                    new JsonObject()
                                        .put("start", periodEnd - 30L * 86_400)
                                        .put("end", periodEnd)))));
  }
}
