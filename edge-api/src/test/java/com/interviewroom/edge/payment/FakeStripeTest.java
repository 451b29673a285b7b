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
    client = StripeClient.builder().setApiKey(FakeStripe.SECRET_KEY).setApiBase(stripe.apiBase()).setMaxNetworkRetries(0).build();
  }

  @AfterAll
  static void stop() {
    stripe.close();
  }

  private static PaymentIntentCreateParams intent(long amount) {
    return PaymentIntentCreateParams.builder().setAmount(amount).setCurrency("usd").putMetadata("package_id", "starter").build();
  }

  private static RequestOptions key(String idempotencyKey) {
    return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
  }

  @Test
  @DisplayName("an idempotency key replays its first answer for the same parameters and is a 400 idempotency_error for others")
  void idempotencyKeyReuse() throws Exception {
    String idempotencyKey = "key-" + UUID.randomUUID();
    PaymentIntent first = client.v1().paymentIntents().create(intent(999), key(idempotencyKey));
    PaymentIntent replayed = client.v1().paymentIntents().create(intent(999), key(idempotencyKey));
    assertThat(replayed.getId()).isEqualTo(first.getId());
    assertThat(replayed.getClientSecret()).isEqualTo(first.getClientSecret());

    IdempotencyException refused = catchThrowableOfType(IdempotencyException.class,
        () -> client.v1().paymentIntents().create(intent(2499), key(idempotencyKey)));
    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(refused.getStripeError().getType()).isEqualTo("idempotency_error");
    assertThat(refused.getMessage()).contains(idempotencyKey);
  }

  @Test
  @DisplayName("a missing required parameter is a 400 parameter_missing naming it, answered at once instead of hanging")
  void missingParameter() {
    PaymentIntentCreateParams noAmount = PaymentIntentCreateParams.builder().setCurrency("usd").build();
    InvalidRequestException refused = catchThrowableOfType(InvalidRequestException.class,
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
      com.stripe.exception.CardException declined = catchThrowableOfType(com.stripe.exception.CardException.class,
          () -> client.v1().paymentIntents().create(intent(999), key("key-" + UUID.randomUUID())));
      assertThat(declined.getStatusCode()).isEqualTo(402);
      assertThat(declined.getCode()).isEqualTo("card_declined");
      assertThat(declined.getRequestId()).startsWith("req_");
    } finally {
      stripe.reset();
    }
    assertThat(client.v1().paymentIntents().create(intent(999), key("key-" + UUID.randomUUID())).getAmount()).isEqualTo(999);
  }
}
