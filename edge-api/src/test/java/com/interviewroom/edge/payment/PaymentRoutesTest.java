package com.interviewroom.edge.payment;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.billing.StripeGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PaymentRoutesTest extends StripeTest {
  private HttpResponse<Buffer> createIntent(JsonObject session, JsonObject body, String requestId) {
    var request =
        fx.server
            .client
            .post("/api/payments/create-intent")
            .putHeader("Authorization", EdgeServer.bearer(session));
    if (requestId != null) {
      request.putHeader("X-Request-Id", requestId);
    }
    return await(request.sendJsonObject(body));
  }

  @Test
  @DisplayName(
      "the plans come from one constant: Starter 5 for $9.99, Pro 15 for $24.99, Unlimited $49.99 a month")
  void plans() {
    HttpResponse<Buffer> response = await(fx.server.client.get("/api/billing/plans").send());
    assertThat(response.statusCode()).isEqualTo(200);
    List<JsonObject> plans =
        response.bodyAsJsonObject().getJsonArray("plans").stream()
            .map(JsonObject.class::cast)
            .toList();
    assertThat(plans)
        .extracting(p -> p.getString("id"))
        .containsExactly("starter", "pro", "unlimited_monthly");
    assertThat(plans).extracting(p -> p.getLong("amount")).containsExactly(999L, 2499L, 4999L);
    assertThat(plans.get(0).getInteger("credits")).isEqualTo(5);
    assertThat(plans.get(1).getInteger("credits")).isEqualTo(15);
    assertThat(plans.get(2).getString("interval")).isEqualTo("month");
    assertThat(plans.get(2).getBoolean("unlimited")).isTrue();
  }

  @Test
  @DisplayName(
      "create-intent prices the package on the server, tags it with user and package, and records a payment")
  void createIntent() {
    JsonObject session = fx.server.signup();
    String userId = session.getJsonObject("user").getString("id");
    HttpResponse<Buffer> response =
        createIntent(session, new JsonObject().put("packageId", "pro"), null);
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = response.bodyAsJsonObject();
    String intentId = body.getString("paymentIntentId");
    assertThat(body.getString("clientSecret")).startsWith(intentId + "_secret_");
    assertThat(body.getLong("amount")).isEqualTo(2499);
    assertThat(body.getString("currency")).isEqualTo("usd");

    FakeStripe.Call call =
        fx.stripe.calls("/v1/payment_intents").stream()
            .filter(c -> userId.equals(c.form().get("metadata[user_id]")))
            .findFirst()
            .orElseThrow();
    assertThat(call.form())
        .containsEntry("amount", "2499")
        .containsEntry("currency", "usd")
        .containsEntry("metadata[package_id]", "pro");
    assertThat(call.idempotencyKey()).isNotBlank();
    assertThat(call.stripeVersion()).isEqualTo(StripeGateway.API_VERSION);

    Row payment =
        fx.rows("SELECT * FROM payments WHERE stripe_payment_intent_id = $1", intentId).get(0);
    assertThat(payment.getUUID("user_id")).isEqualTo(UUID.fromString(userId));
    assertThat(payment.getString("status")).isEqualTo("requires_payment_method");
    assertThat(payment.getInteger("amount_cents")).isEqualTo(2499);
    assertThat(payment.getInteger("credits")).isEqualTo(15);

    JsonObject read =
        await(
                fx.server
                    .client
                    .get("/api/payments/" + intentId)
                    .putHeader("Authorization", EdgeServer.bearer(session))
                    .send())
            .bodyAsJsonObject();
    assertThat(read.getString("status")).isEqualTo("requires_payment_method");
    JsonObject stranger = fx.server.signup();
    assertThat(
            await(
                    fx.server
                        .client
                        .get("/api/payments/" + intentId)
                        .putHeader("Authorization", EdgeServer.bearer(stranger))
                        .send())
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "the client cannot choose the amount: an amount field, an unknown package or the subscription plan is a 400")
  void clientCannotChooseAmount() {
    JsonObject session = fx.server.signup();
    String userId = session.getJsonObject("user").getString("id");
    HttpResponse<Buffer> withAmount =
        createIntent(session, new JsonObject().put("packageId", "starter").put("amount", 1), null);
    assertThat(withAmount.statusCode()).isEqualTo(400);
    assertThat(
            withAmount.bodyAsJsonObject().getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("field"))
                .toList())
        .containsExactly("amount");
    assertThat(
            createIntent(session, new JsonObject().put("packageId", "platinum"), null).statusCode())
        .isEqualTo(400);
    assertThat(
            createIntent(session, new JsonObject().put("packageId", "unlimited_monthly"), null)
                .statusCode())
        .isEqualTo(400);
    assertThat(createIntent(session, new JsonObject(), null).statusCode()).isEqualTo(400);
    assertThat(fx.stripe.calls("/v1/payment_intents"))
        .noneMatch(c -> userId.equals(c.form().get("metadata[user_id]")));
    assertThat(fx.rows("SELECT 1 FROM payments WHERE user_id = $1", UUID.fromString(userId)))
        .isEmpty();
  }

  @Test
  @DisplayName(
      "a retried request (same X-Request-Id) gets the same PaymentIntent and one payment row")
  void retriedRequestIsIdempotent() {
    JsonObject session = fx.server.signup();
    String requestId = "retry-" + UUID.randomUUID();
    JsonObject first =
        createIntent(session, new JsonObject().put("packageId", "starter"), requestId)
            .bodyAsJsonObject();
    JsonObject second =
        createIntent(session, new JsonObject().put("packageId", "starter"), requestId)
            .bodyAsJsonObject();
    JsonObject other =
        createIntent(session, new JsonObject().put("packageId", "starter"), null)
            .bodyAsJsonObject();
    assertThat(second.getString("paymentIntentId")).isEqualTo(first.getString("paymentIntentId"));
    assertThat(second.getString("clientSecret")).isEqualTo(first.getString("clientSecret"));
    assertThat(other.getString("paymentIntentId")).isNotEqualTo(first.getString("paymentIntentId"));
    assertThat(
            fx.rows(
                "SELECT 1 FROM payments WHERE stripe_payment_intent_id = $1",
                first.getString("paymentIntentId")))
        .hasSize(1);
  }

  @Test
  @DisplayName(
      "a Stripe 4xx or 5xx is a 502 payment_provider_error problem: no payment row, no key or provider message in the body or the logs")
  void providerErrors() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    try {
      for (FakeStripe.Fault fault :
          List.of(
              new FakeStripe.Fault(402, "card_error", "card_declined"),
              new FakeStripe.Fault(400, "invalid_request_error", "parameter_invalid_integer"),
              new FakeStripe.Fault(500, "api_error", null))) {
        JsonObject session = fx.server.signup();
        fx.stripe.fail(fault);
        HttpResponse<Buffer> response;
        try {
          response = createIntent(session, new JsonObject().put("packageId", "starter"), null);
        } finally {
          fx.stripe.reset();
        }
        assertThat(response.statusCode()).as(fault.toString()).isEqualTo(502);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        JsonObject problem = response.bodyAsJsonObject();
        assertThat(problem.getString("code")).isEqualTo("payment_provider_error");
        assertThat(problem.getString("requestId")).isNotBlank();
        assertThat(response.bodyAsString())
            .doesNotContain(FakeStripe.SECRET_KEY)
            .doesNotContain("Injected");
        assertThat(
                fx.rows(
                    "SELECT 1 FROM payments WHERE user_id = $1",
                    UUID.fromString(session.getJsonObject("user").getString("id"))))
            .isEmpty();
      }
    } finally {
      root.detachAppender(logs);
    }
    assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().startsWith("Stripe call failed"));
    for (ILoggingEvent event : logs.list) {
      String logged =
          event.getFormattedMessage()
              + " "
              + Arrays.toString(event.getArgumentArray())
              + (event.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertThat(logged).doesNotContain(FakeStripe.SECRET_KEY).doesNotContain("Injected");
    }
  }

  @Test
  @DisplayName(
      "while create-intent waits on a slow Stripe, the event loop keeps serving: GET /api/billing/plans answers first")
  void slowStripeDoesNotBlock() throws InterruptedException {
    JsonObject session = fx.server.signup();
    String userId = session.getJsonObject("user").getString("id");
    fx.stripe.delay(Duration.ofMinutes(1));
    Future<HttpResponse<Buffer>> pending;
    try {
      pending =
          fx.server
              .client
              .post("/api/payments/create-intent")
              .putHeader("Authorization", EdgeServer.bearer(session))
              .sendJsonObject(new JsonObject().put("packageId", "starter"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (fx.stripe.calls("/v1/payment_intents").stream()
          .noneMatch(c -> userId.equals(c.form().get("metadata[user_id]")))) {
        assertThat(System.nanoTime()).as("the call reaches Stripe").isLessThan(deadline);
        Thread.sleep(20);
      }
      HttpResponse<Buffer> plans = await(fx.server.client.get("/api/billing/plans").send());
      assertThat(plans.statusCode()).isEqualTo(200);
      assertThat(pending.isComplete()).as("create-intent still waits on Stripe").isFalse();
    } finally {
      fx.stripe.reset();
    }
    assertThat(await(pending).statusCode()).isEqualTo(201);
  }

  @Test
  @DisplayName("create-intent needs a bearer token")
  void needsAuth() {
    assertThat(
            await(
                    fx.server
                        .client
                        .post("/api/payments/create-intent")
                        .sendJsonObject(new JsonObject().put("packageId", "pro")))
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  @DisplayName("without Stripe configured, create-intent is a 503 payments_not_configured problem")
  void notConfigured() {
    try (EdgeServer bare = EdgeServer.start()) {
      JsonObject session = bare.signup();
      HttpResponse<Buffer> response =
          await(
              bare.client
                  .post("/api/payments/create-intent")
                  .putHeader("Authorization", EdgeServer.bearer(session))
                  .sendJsonObject(new JsonObject().put("packageId", "pro")));
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.bodyAsJsonObject().getString("code"))
          .isEqualTo("payments_not_configured");
      byte[] event =
          StripeDeliveries.event("payment_intent.succeeded", new JsonObject().put("id", "pi_x"), 1);
      assertThat(
              await(
                      bare.client
                          .post("/api/payments/webhook")
                          .putHeader("Stripe-Signature", StripeDeliveries.signature(event))
                          .sendBuffer(Buffer.buffer(event)))
                  .statusCode())
          .isEqualTo(503);
    }
  }

  private static HttpResponse<Buffer> confirm(JsonObject session, String intentId) {
    return await(
        fx.server
            .client
            .post("/api/payments/" + intentId + "/confirm")
            .putHeader("Authorization", EdgeServer.bearer(session))
            .send());
  }

  @Test
  @DisplayName(
      "webhook held back: confirm asks Stripe, credits the pack at once so a session starts; the late webhook credits nothing more")
  void confirmBeforeWebhook() {
    JsonObject session = fx.server.signup();
    UUID userId = UUID.fromString(session.getJsonObject("user").getString("id"));
    String intentId =
        createIntent(session, new JsonObject().put("packageId", "starter"), null)
            .bodyAsJsonObject()
            .getString("paymentIntentId");
    new TestUser(fx.server, userId, EdgeServer.bearer(session)).setCredits(0);

    // before the card is confirmed, Stripe says requires_payment_method: nothing is credited
    HttpResponse<Buffer> early = confirm(session, intentId);
    assertThat(early.statusCode()).isEqualTo(200);
    assertThat(early.bodyAsJsonObject().getString("status")).isEqualTo("requires_payment_method");
    assertThat(fx.credits(userId)).isZero();

    JsonObject atStripe = fx.stripe.confirmPaymentIntent(intentId, true);
    HttpResponse<Buffer> confirmed = confirm(session, intentId);
    assertThat(confirmed.statusCode()).as(confirmed.bodyAsString()).isEqualTo(200);
    assertThat(confirmed.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(confirmed.bodyAsJsonObject().getString("status")).isEqualTo("succeeded");
    assertThat(fx.credits(userId)).isEqualTo(5);
    assertThat(fx.stripe.calls("/v1/payment_intents/" + intentId))
        .extracting(FakeStripe.Call::method)
        .containsOnly("GET");
    // again (a double click): Stripe is not asked again and nothing more is credited
    int asked = fx.stripe.calls("/v1/payment_intents/" + intentId).size();
    assertThat(confirm(session, intentId).statusCode()).isEqualTo(200);
    assertThat(fx.stripe.calls("/v1/payment_intents/" + intentId)).hasSize(asked);
    assertThat(fx.credits(userId)).isEqualTo(5);

    HttpResponse<Buffer> started = fx.startSession(session);
    assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(201);
    assertThat(fx.credits(userId)).isEqualTo(4);

    // the webhook lands late: recorded, no second credit
    HttpResponse<Buffer> late =
        fx.deliver(
            StripeDeliveries.event(
                "payment_intent.succeeded", atStripe, java.time.Instant.now().getEpochSecond()));
    assertThat(late.statusCode()).isEqualTo(200);
    assertThat(late.bodyAsJsonObject().getString("outcome")).isEqualTo("duplicate");
    assertThat(fx.credits(userId)).isEqualTo(4);
    assertThat(
            fx.rows(
                "SELECT 1 FROM credit_transactions WHERE user_id = $1 AND reason = 'purchase'",
                userId))
        .hasSize(1);
  }

  @Test
  @DisplayName(
      "confirm credits only what Stripe confirms: a declined card, someone else's intent (404) and a malformed id change nothing")
  void confirmCreditsOnlyConfirmedPayments() {
    JsonObject session = fx.server.signup();
    UUID userId = UUID.fromString(session.getJsonObject("user").getString("id"));
    int before = fx.credits(userId);
    String intentId =
        createIntent(session, new JsonObject().put("packageId", "pro"), null)
            .bodyAsJsonObject()
            .getString("paymentIntentId");
    fx.stripe.confirmPaymentIntent(intentId, false);
    HttpResponse<Buffer> declined = confirm(session, intentId);
    assertThat(declined.statusCode()).isEqualTo(200);
    assertThat(declined.bodyAsJsonObject().getString("status"))
        .isEqualTo("requires_payment_method");
    assertThat(fx.credits(userId)).isEqualTo(before);

    fx.stripe.confirmPaymentIntent(intentId, true);
    JsonObject stranger = fx.server.signup();
    assertThat(confirm(stranger, intentId).statusCode()).isEqualTo(404);
    assertThat(confirm(stranger, "pi_x'--").statusCode()).isEqualTo(404);
    assertThat(fx.credits(userId)).isEqualTo(before);
    assertThat(fx.credits(UUID.fromString(stranger.getJsonObject("user").getString("id"))))
        .isEqualTo(before);
  }

  @Test
  @DisplayName(
      "confirm and the webhook racing each other (and a double click) credit the pack exactly once")
  void confirmRacingWebhook() {
    for (int round = 0; round < 5; round++) {
      JsonObject session = fx.server.signup();
      UUID userId = UUID.fromString(session.getJsonObject("user").getString("id"));
      int before = fx.credits(userId);
      String intentId =
          createIntent(session, new JsonObject().put("packageId", "pro"), null)
              .bodyAsJsonObject()
              .getString("paymentIntentId");
      JsonObject atStripe = fx.stripe.confirmPaymentIntent(intentId, true);
      byte[] event =
          StripeDeliveries.event(
              "payment_intent.succeeded", atStripe, java.time.Instant.now().getEpochSecond());
      var request =
          fx.server
              .client
              .post("/api/payments/" + intentId + "/confirm")
              .putHeader("Authorization", EdgeServer.bearer(session));
      List<Future<HttpResponse<Buffer>>> racing =
          List.of(
              request.send(),
              fx.deliverAsync(event, StripeDeliveries.signature(event)),
              request.send());
      await(Future.all(racing));
      assertThat(racing).allSatisfy(r -> assertThat(r.result().statusCode()).isEqualTo(200));
      assertThat(fx.credits(userId)).isEqualTo(before + 15);
      assertThat(
              fx.rows(
                  "SELECT 1 FROM credit_transactions WHERE user_id = $1 AND reason = 'purchase'",
                  userId))
          .hasSize(1);
    }
  }
}
