package com.interviewroom.edge.payment;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.stripe.net.Webhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StripeWebhookTest extends StripeTest {
  /** A user with a Starter PaymentIntent created through the API; returns {userId, intentId}. */
  private static String[] purchase(String packageId) {
    JsonObject session = fx.server.signup();
    JsonObject intent =
        await(
                fx.server
                    .client
                    .post("/api/payments/create-intent")
                    .putHeader("Authorization", EdgeServer.bearer(session))
                    .sendJsonObject(new JsonObject().put("packageId", packageId)))
            .bodyAsJsonObject();
    return new String[] {
      session.getJsonObject("user").getString("id"),
      intent.getString("paymentIntentId"),
      session.getString("accessToken")
    };
  }

  private static byte[] succeeded(String[] purchase, long amount, String packageId) {
    return StripeDeliveries.event(
        "payment_intent.succeeded",
        StripeDeliveries.paymentIntent(purchase[1], amount, purchase[0], packageId, "succeeded"),
        Instant.now().getEpochSecond());
  }

  private static List<Row> purchases(UUID userId) {
    return fx.rows(
        "SELECT * FROM credit_transactions WHERE user_id = $1 AND reason = 'purchase'", userId);
  }

  @Test
  @DisplayName(
      "the same payment_intent.succeeded delivered 3 times credits the pack once, through the ledger")
  void sequentialDuplicates() {
    String[] p = purchase("starter");
    UUID user = UUID.fromString(p[0]);
    byte[] event = succeeded(p, 999, "starter");
    List<String> outcomes =
        IntStream.range(0, 3)
            .mapToObj(
                i -> {
                  HttpResponse<Buffer> response = fx.deliver(event);
                  assertThat(response.statusCode()).isEqualTo(200);
                  return response.bodyAsJsonObject().getString("outcome");
                })
            .toList();
    assertThat(outcomes).containsExactly("processed", "duplicate", "duplicate");
    assertThat(fx.credits(user)).isEqualTo(3 + 5);
    List<Row> ledger = purchases(user);
    assertThat(ledger).hasSize(1);
    assertThat(ledger.get(0).getString("idempotency_key")).isEqualTo(p[1]);
    assertThat(ledger.get(0).getInteger("delta")).isEqualTo(5);
    Row payment =
        fx.rows("SELECT id, status FROM payments WHERE stripe_payment_intent_id = $1", p[1]).get(0);
    assertThat(ledger.get(0).getUUID("payment_id")).isEqualTo(payment.getUUID("id"));
    assertThat(payment.getString("status")).isEqualTo("succeeded");
  }

  @Test
  @DisplayName(
      "the same event delivered 10 times concurrently credits once; a second event id for the same intent adds nothing")
  void concurrentDuplicates() {
    String[] p = purchase("pro");
    UUID user = UUID.fromString(p[0]);
    byte[] event = succeeded(p, 2499, "pro");
    String signature = StripeDeliveries.signature(event);
    List<Future<HttpResponse<Buffer>>> deliveries =
        IntStream.range(0, 10).mapToObj(i -> fx.deliverAsync(event, signature)).toList();
    await(Future.join(deliveries));
    assertThat(deliveries).allMatch(f -> f.result().statusCode() == 200);
    assertThat(
            deliveries.stream()
                .filter(
                    f -> f.result().bodyAsJsonObject().getString("outcome").equals("processed")))
        .hasSize(1);
    assertThat(fx.credits(user)).isEqualTo(3 + 15);

    // Stripe never reuses intents across events, but a manual replay under a new event id must not
    // credit twice either
    HttpResponse<Buffer> replay = fx.deliver(succeeded(p, 2499, "pro"));
    assertThat(replay.bodyAsJsonObject().getString("outcome")).isEqualTo("duplicate");
    assertThat(fx.credits(user)).isEqualTo(3 + 15);
    assertThat(purchases(user)).hasSize(1);
  }

  @Test
  @DisplayName(
      "a bad or missing signature, a stale timestamp or a re-serialized body is a 400 and credits nothing")
  void refusedDeliveries() {
    String[] p = purchase("starter");
    UUID user = UUID.fromString(p[0]);
    byte[] event = succeeded(p, 999, "starter");
    long now = Instant.now().getEpochSecond();
    byte[] pretty =
        new JsonObject(new String(event, StandardCharsets.UTF_8))
            .encodePrettily()
            .getBytes(StandardCharsets.UTF_8);

    List<HttpResponse<Buffer>> refused =
        List.of(
            fx.deliver(event, null),
            fx.deliver(event, "garbage"),
            fx.deliver(event, StripeDeliveries.signature("whsec_wrong_secret", now, event)),
            fx.deliver(
                event,
                StripeDeliveries.signature(StripeDeliveries.WEBHOOK_SECRET, now - 301, event)),
            fx.deliver(
                event,
                StripeDeliveries.signature(StripeDeliveries.WEBHOOK_SECRET, now + 301, event)),
            // same JSON, different whitespace: the signature is over the bytes Stripe sent
            fx.deliver(
                pretty, StripeDeliveries.signature(StripeDeliveries.WEBHOOK_SECRET, now, event)));
    for (HttpResponse<Buffer> response : refused) {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("invalid_signature");
    }
    assertThat(fx.credits(user)).isEqualTo(3);
    assertThat(purchases(user)).isEmpty();
    String eventId = new JsonObject(new String(event, StandardCharsets.UTF_8)).getString("id");
    assertThat(fx.rows("SELECT 1 FROM stripe_events WHERE id = $1", eventId)).isEmpty();

    // the untouched bytes, freshly signed, are then accepted
    assertThat(fx.deliver(event).bodyAsJsonObject().getString("outcome")).isEqualTo("processed");
    assertThat(fx.credits(user)).isEqualTo(8);
  }

  @Test
  @DisplayName(
      "any v1 may match: while a secret is rolled, a delivery signed with old and new secrets is accepted")
  void rolledSecret() {
    String[] p = purchase("starter");
    byte[] event = succeeded(p, 999, "starter");
    long now = Instant.now().getEpochSecond();
    String old = StripeDeliveries.signature("whsec_old_secret", now, event);
    String current = StripeDeliveries.signature(StripeDeliveries.WEBHOOK_SECRET, now, event);
    String header = old + "," + current.substring(current.indexOf("v1="));
    assertThat(fx.deliver(event, header).statusCode()).isEqualTo(200);
    assertThat(fx.credits(UUID.fromString(p[0]))).isEqualTo(8);
  }

  @Test
  @DisplayName(
      "the signatures built here are the real scheme: stripe-java's own verifier accepts them")
  void signatureSchemeMatchesStripe() throws Exception {
    byte[] event =
        StripeDeliveries.event(
            "payment_intent.succeeded", new JsonObject().put("id", "pi_scheme"), 1);
    String header = StripeDeliveries.signature(event);
    assertThat(
            Webhook.Signature.verifyHeader(
                new String(event, StandardCharsets.UTF_8),
                header,
                StripeDeliveries.WEBHOOK_SECRET,
                WebhookSignature.TOLERANCE_SECONDS))
        .isTrue();
  }

  @Test
  @DisplayName("a success whose amount differs from the package price credits nothing")
  void amountMismatch() {
    String[] p = purchase("pro");
    HttpResponse<Buffer> response = fx.deliver(succeeded(p, 100, "pro"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("outcome")).isEqualTo("ignored");
    assertThat(fx.credits(UUID.fromString(p[0]))).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "payment_failed is recorded with its error so the client can retry; a later success still credits")
  void failedThenRetried() {
    String[] p = purchase("starter");
    JsonObject intent =
        StripeDeliveries.paymentIntent(p[1], 999, p[0], "starter", "requires_payment_method");
    long now = Instant.now().getEpochSecond();
    assertThat(
            fx.deliver(
                    StripeDeliveries.event(
                        "payment_intent.payment_failed", StripeDeliveries.declined(intent), now))
                .statusCode())
        .isEqualTo(200);
    JsonObject read =
        await(
                fx.server
                    .client
                    .get("/api/payments/" + p[1])
                    .putHeader("Authorization", "Bearer " + p[2])
                    .send())
            .bodyAsJsonObject();
    assertThat(read.getString("status")).isEqualTo("failed");
    assertThat(read.getJsonObject("lastError").getString("code")).isEqualTo("card_declined");
    assertThat(read.getJsonObject("lastError").getString("message"))
        .isEqualTo("Your card has insufficient funds.");
    assertThat(fx.credits(UUID.fromString(p[0]))).isEqualTo(3);

    fx.deliver(succeeded(p, 999, "starter"));
    // a late failure event for the same intent does not undo the success
    fx.deliver(
        StripeDeliveries.event(
            "payment_intent.payment_failed", StripeDeliveries.declined(intent), now));
    JsonObject after =
        await(
                fx.server
                    .client
                    .get("/api/payments/" + p[1])
                    .putHeader("Authorization", "Bearer " + p[2])
                    .send())
            .bodyAsJsonObject();
    assertThat(after.getString("status")).isEqualTo("succeeded");
    assertThat(after.containsKey("lastError")).isFalse();
    assertThat(fx.credits(UUID.fromString(p[0]))).isEqualTo(8);
  }

  @Test
  @DisplayName(
      "unknown event types and intents that are not ours are acknowledged with 200 and ignored")
  void unknownEvents() {
    HttpResponse<Buffer> unknown =
        fx.deliver(
            StripeDeliveries.event(
                "charge.refund.updated",
                new JsonObject().put("id", "re_1"),
                Instant.now().getEpochSecond()));
    assertThat(unknown.statusCode()).isEqualTo(200);
    assertThat(unknown.bodyAsJsonObject().getString("outcome")).isEqualTo("ignored");
    JsonObject foreign =
        new JsonObject()
            .put("id", "pi_foreign")
            .put("object", "payment_intent")
            .put("amount", 4999)
            .put("currency", "usd")
            .put("metadata", new JsonObject())
            .put("status", "succeeded");
    HttpResponse<Buffer> notOurs =
        fx.deliver(
            StripeDeliveries.event(
                "payment_intent.succeeded", foreign, Instant.now().getEpochSecond()));
    assertThat(notOurs.bodyAsJsonObject().getString("outcome")).isEqualTo("ignored");
  }

  private static String eventId(byte[] event) {
    return new JsonObject(new String(event, StandardCharsets.UTF_8)).getString("id");
  }

  private static List<Row> stripeEvents(byte[] event) {
    return fx.rows(
        "SELECT type, created, processed_at FROM stripe_events WHERE id = $1", eventId(event));
  }

  /** The outcomes of delivering the same bytes twice. */
  private static List<String> deliveredTwice(byte[] event) {
    return List.of(
        fx.deliver(event).bodyAsJsonObject().getString("outcome"),
        fx.deliver(event).bodyAsJsonObject().getString("outcome"));
  }

  private static UUID newUser() {
    return UUID.fromString(fx.server.signup().getJsonObject("user").getString("id"));
  }

  private static String newIntentId(String prefix) {
    return "pi_" + prefix + "_" + UUID.randomUUID().toString().replace("-", "");
  }

  @Test
  @DisplayName("a processed delivery leaves its event id, type and created time in stripe_events")
  void eventIdRecorded() {
    String[] p = purchase("starter");
    long created = Instant.now().getEpochSecond() - 7;
    byte[] event =
        StripeDeliveries.event(
            "payment_intent.succeeded",
            StripeDeliveries.paymentIntent(p[1], 999, p[0], "starter", "succeeded"),
            created);
    assertThat(fx.deliver(event).bodyAsJsonObject().getString("outcome")).isEqualTo("processed");
    List<Row> recorded = stripeEvents(event);
    assertThat(recorded).hasSize(1);
    assertThat(recorded.get(0).getString("type")).isEqualTo("payment_intent.succeeded");
    assertThat(recorded.get(0).getOffsetDateTime("created").toInstant())
        .isEqualTo(Instant.ofEpochSecond(created));
    assertThat(recorded.get(0).getOffsetDateTime("processed_at")).isNotNull();
  }

  @Test
  @DisplayName(
      "the same payment_intent.payment_failed delivered twice is recorded once: outcome duplicate, one payment.failed event")
  void duplicateFailure() {
    String[] p = purchase("starter");
    byte[] event =
        StripeDeliveries.event(
            "payment_intent.payment_failed",
            StripeDeliveries.declined(
                StripeDeliveries.paymentIntent(
                    p[1], 999, p[0], "starter", "requires_payment_method")),
            Instant.now().getEpochSecond());
    assertThat(deliveredTwice(event)).containsExactly("processed", "duplicate");
    assertThat(
            fx.rows(
                "SELECT 1 FROM events WHERE user_id = $1 AND kind = 'payment.failed'",
                UUID.fromString(p[0])))
        .hasSize(1);
    assertThat(stripeEvents(event)).hasSize(1);
  }

  @Test
  @DisplayName(
      "an effect that fails rolls the event id back with it (500, no stripe_events row); the redelivery after the fix credits once")
  void failedEffectRollsBackEventId() {
    UUID user = newUser();
    String intentId = newIntentId("broken");
    // a payment row worth 0 credits: the ledger refuses a zero delta, so the credit insert fails
    fx.rows(
        "INSERT INTO payments (user_id, stripe_payment_intent_id, package_id, amount_cents, currency, status, credits) "
            + "VALUES ($1, $2, 'starter', 999, 'usd', 'requires_payment_method', 0)",
        user,
        intentId);
    byte[] event =
        StripeDeliveries.event(
            "payment_intent.succeeded",
            StripeDeliveries.paymentIntent(intentId, 999, user.toString(), "starter", "succeeded"),
            Instant.now().getEpochSecond());

    HttpResponse<Buffer> failed = fx.deliver(event);
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(stripeEvents(event)).isEmpty();
    assertThat(
            fx.rows("SELECT status FROM payments WHERE stripe_payment_intent_id = $1", intentId)
                .get(0)
                .getString("status"))
        .isEqualTo("requires_payment_method");
    assertThat(fx.credits(user)).isEqualTo(3);

    fx.rows("UPDATE payments SET credits = 5 WHERE stripe_payment_intent_id = $1", intentId);
    assertThat(deliveredTwice(event)).containsExactly("processed", "duplicate");
    assertThat(fx.credits(user)).isEqualTo(3 + 5);
    assertThat(purchases(user)).hasSize(1);
    assertThat(stripeEvents(event)).hasSize(1);
  }

  @Test
  @DisplayName(
      "a success with our metadata but no payment row (the insert after create-intent was lost) is credited once")
  void adoptedFromMetadata() {
    UUID user = newUser();
    String intentId = newIntentId("lost");
    JsonObject intent =
        StripeDeliveries.paymentIntent(intentId, 2499, user.toString(), "pro", "succeeded");
    assertThat(
            fx.deliver(
                    StripeDeliveries.event(
                        "payment_intent.succeeded", intent, Instant.now().getEpochSecond()))
                .bodyAsJsonObject()
                .getString("outcome"))
        .isEqualTo("processed");
    assertThat(
            fx.deliver(
                    StripeDeliveries.event(
                        "payment_intent.succeeded", intent, Instant.now().getEpochSecond()))
                .bodyAsJsonObject()
                .getString("outcome"))
        .isEqualTo("duplicate");
    assertThat(fx.credits(user)).isEqualTo(3 + 15);
    assertThat(purchases(user)).hasSize(1);
    Row payment =
        fx.rows(
                "SELECT user_id, package_id, status FROM payments WHERE stripe_payment_intent_id = $1",
                intentId)
            .get(0);
    assertThat(payment.getUUID("user_id")).isEqualTo(user);
    assertThat(payment.getString("package_id")).isEqualTo("pro");
    assertThat(payment.getString("status")).isEqualTo("succeeded");
  }

  @Test
  @DisplayName(
      "metadata naming the subscription plan, an unknown user or a price that is not the amount is recorded and ignored")
  void unusableMetadata() {
    UUID user = newUser();
    List<JsonObject> intents =
        List.of(
            StripeDeliveries.paymentIntent(
                newIntentId("plan"), 4999, user.toString(), "unlimited_monthly", "succeeded"),
            StripeDeliveries.paymentIntent(
                newIntentId("nobody"), 999, UUID.randomUUID().toString(), "starter", "succeeded"),
            StripeDeliveries.paymentIntent(
                newIntentId("cheap"), 100, user.toString(), "starter", "succeeded"));
    for (JsonObject intent : intents) {
      byte[] event =
          StripeDeliveries.event(
              "payment_intent.succeeded", intent, Instant.now().getEpochSecond());
      HttpResponse<Buffer> response = fx.deliver(event);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("outcome"))
          .as(intent.getString("id"))
          .isEqualTo("ignored");
      assertThat(stripeEvents(event)).hasSize(1);
      assertThat(
              fx.rows(
                  "SELECT 1 FROM payments WHERE stripe_payment_intent_id = $1",
                  intent.getString("id")))
          .isEmpty();
    }
    assertThat(fx.credits(user)).isEqualTo(3);
    assertThat(purchases(user)).isEmpty();
  }

  @Test
  @DisplayName(
      "a signed event larger than the 128 KiB client limit is accepted; client routes keep their limit")
  void largeEvent() {
    JsonArray lines = new JsonArray();
    for (int i = 0; i < 2_000; i++) {
      lines.add(
          new JsonObject()
              .put("id", "il_" + i)
              .put("object", "line_item")
              .put("description", "x".repeat(150)));
    }
    byte[] event =
        StripeDeliveries.event(
            "invoice.finalized",
            new JsonObject()
                .put("id", "in_large")
                .put("object", "invoice")
                .put("lines", new JsonObject().put("object", "list").put("data", lines)),
            Instant.now().getEpochSecond());
    assertThat(event.length).isGreaterThan(300 * 1024);
    HttpResponse<Buffer> response = fx.deliver(event);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("outcome")).isEqualTo("ignored");

    JsonObject session = fx.server.signup();
    HttpResponse<Buffer> tooLarge =
        await(
            fx.server
                .client
                .post("/api/payments/create-intent")
                .putHeader("Authorization", EdgeServer.bearer(session))
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(event)));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
  }

  @Test
  @DisplayName("a signed body that is not an event is a 400, not a 500")
  void signedGarbage() {
    byte[] body = "{\"hello\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(fx.deliver(body).statusCode()).isEqualTo(400);
    byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
    assertThat(fx.deliver(notJson).bodyAsJsonObject().getString("code"))
        .isEqualTo("malformed_json");
  }
}
