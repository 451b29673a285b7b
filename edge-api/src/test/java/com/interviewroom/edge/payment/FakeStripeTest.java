package com.interviewroom.edge.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.stripe.StripeClient;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.PaymentIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentCreateParams;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fake answers stripe-java's own requests the way Stripe does, errors included. */
class FakeStripeTest {
  private static FakeStripe stripe;
  private static StripeClient client;

  @BeforeAll
  static void start() {
    stripe = FakeStripe.start();
    client =
        StripeClient.builder()
            .setApiKey(FakeStripe.SECRET_KEY)
            .setApiBase(stripe.apiBase())
            .setMaxNetworkRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    stripe.close();
  }

  private static PaymentIntentCreateParams intent(long amount) {
    return PaymentIntentCreateParams.builder()
        .setAmount(amount)
        .setCurrency("usd")
        .putMetadata("package_id", "starter")
        .build();
  }

  private static RequestOptions key(String idempotencyKey) {
    return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
  }

  @Test
  @DisplayName(
      "an idempotency key replays its first answer for the same parameters and is a 400 idempotency_error for others")
  void idempotencyKeyReuse() throws Exception {
    String idempotencyKey = "key-" + UUID.randomUUID();
    PaymentIntent first = client.v1().paymentIntents().create(intent(999), key(idempotencyKey));
    PaymentIntent replayed = client.v1().paymentIntents().create(intent(999), key(idempotencyKey));
    assertThat(replayed.getId()).isEqualTo(first.getId());
    assertThat(replayed.getClientSecret()).isEqualTo(first.getClientSecret());

    IdempotencyException refused =
        catchThrowableOfType(
            IdempotencyException.class,
            () -> client.v1().paymentIntents().create(intent(2499), key(idempotencyKey)));
    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(refused.getStripeError().getType()).isEqualTo("idempotency_error");
    assertThat(refused.getMessage()).contains(idempotencyKey);
  }

  @Test
  @DisplayName(
      "a missing required parameter is a 400 parameter_missing naming it, answered at once instead of hanging")
  void missingParameter() {
    PaymentIntentCreateParams noAmount =
        PaymentIntentCreateParams.builder().setCurrency("usd").build();
    InvalidRequestException refused =
        catchThrowableOfType(
            InvalidRequestException.class,
            () -> client.v1().paymentIntents().create(noAmount, key("key-" + UUID.randomUUID())));
    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(refused.getCode()).isEqualTo("parameter_missing");
    assertThat(refused.getParam()).isEqualTo("amount");
  }

  @Test
  @DisplayName("an injected fault answers every call with Stripe's error shape until reset")
  void injectedFault() throws Exception {
    stripe.fail(new FakeStripe.Fault(402, "card_error", "card_declined"));
    try {
      com.stripe.exception.CardException declined =
          catchThrowableOfType(
              com.stripe.exception.CardException.class,
              () ->
                  client
                      .v1()
                      .paymentIntents()
                      .create(intent(999), key("key-" + UUID.randomUUID())));
      assertThat(declined.getStatusCode()).isEqualTo(402);
      assertThat(declined.getCode()).isEqualTo("card_declined");
      assertThat(declined.getRequestId()).startsWith("req_");
    } finally {
      stripe.reset();
    }
    assertThat(
            client
                .v1()
                .paymentIntents()
                .create(intent(999), key("key-" + UUID.randomUUID()))
                .getAmount())
        .isEqualTo(999);
  }

  private static java.net.http.HttpResponse<String> confirmFromStripeJs(
      String intentId, String publishableKey, String clientSecret, String card) throws Exception {
    String form =
        String.join(
            "&",
            "key=" + publishableKey,
            "client_secret=" + clientSecret,
            "payment_method_data%5Btype%5D=card",
            "payment_method_data%5Bcard%5D%5Bnumber%5D=" + card,
            "payment_method_data%5Bcard%5D%5Bexp_month%5D=12",
            "payment_method_data%5Bcard%5D%5Bexp_year%5D=2034",
            "payment_method_data%5Bcard%5D%5Bcvc%5D=123");
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        stripe.apiBase() + "/v1/payment_intents/" + intentId + "/confirm"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName(
      "Stripe.js's confirm takes the publishable key and the client secret; the test card decides (4000…0002: a 402 card_declined carrying the intent); the webhooks are signed and can be held back")
  void confirmWithPublishableKeyAndWebhooks() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    java.util.List<String[]> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.http.HttpServer endpoint =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              received.add(
                                  new String[] {
                                    request.getHeader("Stripe-Signature"), body.toString()
                                  });
                              request
                                  .response()
                                  .putHeader("Content-Type", "application/json")
                                  .end("{}");
                            }));
    int port =
        endpoint
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get()
            .actualPort();
    String secret = "whsec_" + UUID.randomUUID().toString().replace("-", "");
    stripe.sendWebhooksTo("http://127.0.0.1:" + port + "/hook", secret);
    try {
      PaymentIntent created =
          client.v1().paymentIntents().create(intent(999), key("key-" + UUID.randomUUID()));
      String id = created.getId();
      assertThat(
              confirmFromStripeJs(
                      id, "pk_test_wrong", created.getClientSecret(), "4242424242424242")
                  .statusCode())
          .isEqualTo(401);
      assertThat(
              confirmFromStripeJs(
                      id,
                      FakeStripe.PUBLISHABLE_KEY,
                      created.getClientSecret() + "x",
                      "4242424242424242")
                  .statusCode())
          .isEqualTo(404);

      stripe.holdWebhooks();
      var declined =
          confirmFromStripeJs(
              id, FakeStripe.PUBLISHABLE_KEY, created.getClientSecret(), "4000000000000002");
      assertThat(declined.statusCode()).isEqualTo(402);
      io.vertx.core.json.JsonObject error =
          new io.vertx.core.json.JsonObject(declined.body()).getJsonObject("error");
      assertThat(error.getString("type")).isEqualTo("card_error");
      assertThat(error.getString("code")).isEqualTo("card_declined");
      assertThat(error.getString("decline_code")).isEqualTo("generic_decline");
      assertThat(error.getString("message")).isEqualTo("Your card was declined.");
      assertThat(error.getJsonObject("payment_intent").getString("status"))
          .isEqualTo("requires_payment_method");
      assertThat(stripe.intentStatus(id)).isEqualTo("requires_payment_method");

      var paid =
          confirmFromStripeJs(
              id, FakeStripe.PUBLISHABLE_KEY, created.getClientSecret(), "4242424242424242");
      assertThat(paid.statusCode()).isEqualTo(200);
      assertThat(new io.vertx.core.json.JsonObject(paid.body()).getString("status"))
          .isEqualTo("succeeded");
      var again =
          confirmFromStripeJs(
              id, FakeStripe.PUBLISHABLE_KEY, created.getClientSecret(), "4242424242424242");
      assertThat(again.statusCode()).isEqualTo(400);
      assertThat(
              new io.vertx.core.json.JsonObject(again.body())
                  .getJsonObject("error")
                  .getString("code"))
          .isEqualTo("payment_intent_unexpected_state");

      Thread.sleep(300);
      assertThat(received).as("held back").isEmpty();
      assertThat(stripe.releaseWebhooks()).isEqualTo(2);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (received.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(received).hasSize(2);
      java.util.List<String> types = new java.util.ArrayList<>();
      for (String[] delivery : received) {
        assertThat(
                WebhookSignature.verify(
                    delivery[0],
                    delivery[1].getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    secret,
                    java.time.Clock.systemUTC()))
            .isEqualTo(WebhookSignature.Verdict.VALID);
        io.vertx.core.json.JsonObject event = new io.vertx.core.json.JsonObject(delivery[1]);
        assertThat(event.getJsonObject("data").getJsonObject("object").getString("id"))
            .isEqualTo(id);
        types.add(event.getString("type"));
      }
      assertThat(types)
          .containsExactlyInAnyOrder("payment_intent.payment_failed", "payment_intent.succeeded");
    } finally {
      stripe.sendWebhooksTo(null, null);
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
