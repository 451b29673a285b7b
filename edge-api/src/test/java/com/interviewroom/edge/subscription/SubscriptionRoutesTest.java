package com.interviewroom.edge.subscription;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.payment.FakeStripe;
import com.interviewroom.edge.payment.StripeDeliveries;
import com.interviewroom.edge.payment.StripeFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SubscriptionRoutesTest {
  private static StripeFixture fx;

  @BeforeAll
  static void start() {
    fx = StripeFixture.start();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static HttpResponse<Buffer> call(String method, String path, JsonObject session) {
    var request = method.equals("GET") ? fx.server.client.get(path) : fx.server.client.post(path);
    return await(request.putHeader("Authorization", EdgeServer.bearer(session)).send());
  }

  private static JsonObject state(JsonObject session) {
    return call("GET", "/api/subscriptions", session).bodyAsJsonObject();
  }

  private static UUID id(JsonObject session) {
    return UUID.fromString(session.getJsonObject("user").getString("id"));
  }

  /** Subscribes through the API and returns the Stripe ids {subscription, customer}. */
  private static String[] subscribe(JsonObject session) {
    HttpResponse<Buffer> created = call("POST", "/api/subscriptions/create", session);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String subscriptionId = created.bodyAsJsonObject().getString("subscriptionId");
    String customer = fx.rows("SELECT stripe_customer_id FROM profiles WHERE user_id = $1", id(session)).get(0)
        .getString("stripe_customer_id");
    return new String[] {subscriptionId, customer};
  }

  private static void event(String type, JsonObject object, long created) {
    HttpResponse<Buffer> response = fx.deliver(StripeDeliveries.event(type, object, created));
    assertThat(response.statusCode()).isEqualTo(200);
  }

  private static JsonObject sub(String[] ids, JsonObject session, String status, long periodEnd, boolean cancelAtPeriodEnd) {
    return StripeDeliveries.subscription(ids[0], ids[1], status, periodEnd, cancelAtPeriodEnd, id(session).toString());
  }

  @Test
  @DisplayName("subscribing creates the Stripe customer first, then an incomplete subscription whose invoice the client pays")
  void create() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    assertThat(ids[1]).startsWith("cus_");
    List<FakeStripe.Call> calls = fx.stripe.calls().stream()
        .filter(c -> ids[1].equals(c.form().get("customer")) || id(session).toString().equals(c.form().get("metadata[user_id]")))
        .toList();
    assertThat(calls).extracting(FakeStripe.Call::path).containsExactly("/v1/customers", "/v1/subscriptions");
    assertThat(calls.get(1).form()).containsEntry("items[0][price]", FakeStripe.PRICE_UNLIMITED)
        .containsEntry("payment_behavior", "default_incomplete").containsEntry("expand[0]", "latest_invoice.confirmation_secret");

    JsonObject current = state(session);
    assertThat(current.getString("status")).isEqualTo("incomplete");
    assertThat(current.getString("plan")).isEqualTo("unlimited_monthly");
    assertThat(fx.startsWithoutCredits(id(session))).isFalse();

    // the customer is reused on a second attempt, never created twice
    HttpResponse<Buffer> again = call("POST", "/api/subscriptions/create", session);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getString("clientSecret")).contains("_secret_");
    assertThat(fx.stripe.calls("/v1/customers").stream().filter(c -> id(session).toString().equals(c.form().get("metadata[user_id]"))))
        .hasSize(1);
  }

  @Test
  @DisplayName("an active subscriber starts without credits and cannot subscribe twice; the portal returns to /account")
  void activeAndPortal() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    long periodEnd = Instant.now().plusSeconds(30L * 86_400).getEpochSecond();
    event("customer.subscription.updated", sub(ids, session, "active", periodEnd, false), Instant.now().getEpochSecond());

    JsonObject current = state(session);
    assertThat(current.getString("status")).isEqualTo("active");
    assertThat(current.getString("nextBillingDate")).isEqualTo(Instant.ofEpochSecond(periodEnd).toString());
    assertThat(current.getBoolean("unlimitedSessions")).isTrue();
    assertThat(fx.startsWithoutCredits(id(session))).isTrue();
    assertThat(call("POST", "/api/subscriptions/create", session).bodyAsJsonObject().getString("code")).isEqualTo("already_subscribed");

    HttpResponse<Buffer> portal = call("GET", "/api/subscriptions/portal", session);
    assertThat(portal.statusCode()).isEqualTo(200);
    assertThat(portal.bodyAsJsonObject().getString("url")).startsWith("https://billing.stripe.test/p/session/");
    FakeStripe.Call portalCall = fx.stripe.calls("/v1/billing_portal/sessions").stream()
        .filter(c -> ids[1].equals(c.form().get("customer"))).findFirst().orElseThrow();
    assertThat(portalCall.form()).containsEntry("return_url", "https://app.interviewroom.test/account");
  }

  @Test
  @DisplayName("out-of-order subscription events end in the newest state")
  void outOfOrder() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    long t = Instant.now().getEpochSecond();
    long periodEnd = t + 30L * 86_400;
    // past_due (newer) arrives before active (older): past_due stands
    event("customer.subscription.updated", sub(ids, session, "past_due", periodEnd, false), t + 20);
    event("customer.subscription.created", sub(ids, session, "active", periodEnd, false), t + 10);
    assertThat(state(session).getString("status")).isEqualTo("past_due");
    // deleted (newest) before a stale update and a stale invoice.paid: canceled stands
    event("customer.subscription.deleted", sub(ids, session, "canceled", periodEnd, false), t + 40);
    event("customer.subscription.updated", sub(ids, session, "active", periodEnd, false), t + 30);
    event("invoice.paid", StripeDeliveries.invoice(ids[0], ids[1], "paid", periodEnd), t + 35);
    assertThat(state(session).getString("status")).isEqualTo("canceled");
    assertThat(fx.startsWithoutCredits(id(session))).isFalse();
    assertThat(fx.rows("SELECT last_event_created FROM subscriptions WHERE user_id = $1", id(session)).get(0)
        .getOffsetDateTime("last_event_created").toInstant()).isEqualTo(Instant.ofEpochSecond(t + 40));
  }

  @Test
  @DisplayName("a failed renewal (past_due) loses the bypass; a paid invoice restores it")
  void pastDueLosesBypass() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    long t = Instant.now().getEpochSecond();
    long periodEnd = t + 30L * 86_400;
    event("customer.subscription.updated", sub(ids, session, "active", periodEnd, false), t);
    assertThat(fx.startsWithoutCredits(id(session))).isTrue();

    event("invoice.payment_failed", StripeDeliveries.invoice(ids[0], ids[1], "open", periodEnd), t + 5);
    assertThat(fx.rows("SELECT status FROM subscriptions WHERE user_id = $1", id(session)).get(0).getString("status"))
        .isEqualTo("past_due");
    assertThat(fx.startsWithoutCredits(id(session))).isFalse();
    assertThat(state(session).getBoolean("unlimitedSessions")).isFalse();

    long nextEnd = periodEnd + 30L * 86_400;
    event("invoice.paid", StripeDeliveries.invoice(ids[0], ids[1], "paid", nextEnd), t + 10);
    assertThat(fx.startsWithoutCredits(id(session))).isTrue();
    assertThat(state(session).getString("currentPeriodEnd")).isEqualTo(Instant.ofEpochSecond(nextEnd).toString());

    event("customer.subscription.updated", sub(ids, session, "unpaid", nextEnd, false), t + 20);
    assertThat(fx.startsWithoutCredits(id(session))).isFalse();
  }

  @Test
  @DisplayName("cancel at period end keeps access (status active) until the deleted event arrives")
  void cancelAtPeriodEnd() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    long t = Instant.now().getEpochSecond();
    long periodEnd = t + 30L * 86_400;
    event("customer.subscription.updated", sub(ids, session, "active", periodEnd, false), t);

    HttpResponse<Buffer> cancel = call("POST", "/api/subscriptions/cancel", session);
    assertThat(cancel.statusCode()).isEqualTo(200);
    assertThat(fx.stripe.calls("/v1/subscriptions/" + ids[0]).get(0).form()).containsEntry("cancel_at_period_end", "true");
    JsonObject afterCancel = cancel.bodyAsJsonObject();
    assertThat(afterCancel.getString("status")).isEqualTo("active");
    assertThat(afterCancel.getBoolean("cancelAtPeriodEnd")).isTrue();
    assertThat(afterCancel.getString("nextBillingDate")).isNull();
    assertThat(afterCancel.getString("currentPeriodEnd")).isEqualTo(Instant.ofEpochSecond(periodEnd).toString());
    assertThat(fx.startsWithoutCredits(id(session))).isTrue();

    // Stripe's own update confirms it; still active until the period ends
    event("customer.subscription.updated", sub(ids, session, "active", periodEnd, true), t + 5);
    assertThat(fx.startsWithoutCredits(id(session))).isTrue();

    event("customer.subscription.deleted", sub(ids, session, "canceled", periodEnd, true), t + 10);
    assertThat(state(session).getString("status")).isEqualTo("canceled");
    assertThat(fx.startsWithoutCredits(id(session))).isFalse();
    assertThat(call("POST", "/api/subscriptions/cancel", session).statusCode()).isEqualTo(409);
  }

  @Test
  @DisplayName("without a subscription: state is none, cancel and portal are 409")
  void none() {
    JsonObject session = fx.server.signup();
    JsonObject current = state(session);
    assertThat(current.getString("status")).isEqualTo("none");
    assertThat(current.getBoolean("unlimitedSessions")).isFalse();
    assertThat(call("POST", "/api/subscriptions/cancel", session).statusCode()).isEqualTo(409);
    assertThat(call("GET", "/api/subscriptions/portal", session).bodyAsJsonObject().getString("code")).isEqualTo("no_billing_account");
  }
}
