package com.interviewroom.edge.subscription;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.payment.FakeStripe;
import com.interviewroom.edge.payment.StripeDeliveries;
import com.interviewroom.edge.payment.StripeTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SubscriptionRoutesTest extends StripeTest {
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
    String customer =
        fx.rows("SELECT stripe_customer_id FROM profiles WHERE user_id = $1", id(session))
            .get(0)
            .getString("stripe_customer_id");
    return new String[] {subscriptionId, customer};
  }

  /**
   * A user subscribed through the API (still incomplete); {@code t} is now, {@code periodEnd} 30
   * days on.
   */
  private record Subscriber(JsonObject session, String[] ids, long t, long periodEnd) {
    JsonObject sub(String status, long end, boolean cancelAtPeriodEnd) {
      return SubscriptionRoutesTest.sub(ids, session, status, end, cancelAtPeriodEnd);
    }

    JsonObject sub(String status, boolean cancelAtPeriodEnd) {
      return sub(status, periodEnd, cancelAtPeriodEnd);
    }

    JsonObject invoice(String status) {
      return StripeDeliveries.invoice(ids[0], ids[1], status, periodEnd);
    }
  }

  private static Subscriber subscriber() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    long t = Instant.now().getEpochSecond();
    return new Subscriber(session, ids, t, t + 30L * 86_400);
  }

  private static void event(String type, JsonObject object, long created) {
    HttpResponse<Buffer> response = fx.deliver(StripeDeliveries.event(type, object, created));
    assertThat(response.statusCode()).isEqualTo(200);
  }

  private static JsonObject sub(
      String[] ids, JsonObject session, String status, long periodEnd, boolean cancelAtPeriodEnd) {
    return StripeDeliveries.subscription(
        ids[0], ids[1], status, periodEnd, cancelAtPeriodEnd, id(session).toString());
  }

  @Test
  @DisplayName(
      "subscribing creates the Stripe customer first, then an incomplete subscription whose invoice the client pays")
  void create() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    assertThat(ids[1]).startsWith("cus_");
    List<FakeStripe.Call> calls =
        fx.stripe.calls().stream()
            .filter(
                c ->
                    ids[1].equals(c.form().get("customer"))
                        || id(session).toString().equals(c.form().get("metadata[user_id]")))
            .toList();
    assertThat(calls)
        .extracting(FakeStripe.Call::path)
        .containsExactly("/v1/customers", "/v1/subscriptions");
    assertThat(calls.get(1).form())
        .containsEntry("items[0][price]", FakeStripe.PRICE_UNLIMITED)
        .containsEntry("payment_behavior", "default_incomplete")
        .containsEntry("expand[0]", "latest_invoice.confirmation_secret");

    JsonObject current = state(session);
    assertThat(current.getString("status")).isEqualTo("incomplete");
    assertThat(current.getString("plan")).isEqualTo("unlimited_monthly");
    assertThat(fx.startsWithoutCredits(session)).isFalse();

    // a second attempt while Stripe still holds it incomplete pays the same subscription: no second
    // one
    HttpResponse<Buffer> again = call("POST", "/api/subscriptions/create", session);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getString("subscriptionId")).isEqualTo(ids[0]);
    assertThat(again.bodyAsJsonObject().getString("clientSecret")).contains("_secret_");
    assertThat(
            fx.stripe.calls("/v1/subscriptions").stream()
                .filter(c -> ids[1].equals(c.form().get("customer"))))
        .hasSize(1);
    assertThat(fx.stripe.calls("/v1/subscriptions/" + ids[0]))
        .extracting(FakeStripe.Call::method)
        .containsExactly("GET");

    // once Stripe has expired it, the next attempt opens a new one for the same customer, never a
    // second customer
    fx.stripe.setSubscriptionStatus(ids[0], "incomplete_expired");
    HttpResponse<Buffer> fresh = call("POST", "/api/subscriptions/create", session);
    assertThat(fresh.statusCode()).isEqualTo(201);
    assertThat(fresh.bodyAsJsonObject().getString("subscriptionId")).isNotEqualTo(ids[0]);
    assertThat(
            fx.stripe.calls("/v1/customers").stream()
                .filter(c -> id(session).toString().equals(c.form().get("metadata[user_id]"))))
        .hasSize(1);
  }

  @Test
  @DisplayName(
      "subscribing while Stripe already holds the incomplete subscription active (webhook not here yet) is 409 already_subscribed")
  void incompleteButPaidAtStripe() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    fx.stripe.setSubscriptionStatus(ids[0], "active");
    HttpResponse<Buffer> again = call("POST", "/api/subscriptions/create", session);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("code")).isEqualTo("already_subscribed");
    assertThat(
            fx.stripe.calls("/v1/subscriptions").stream()
                .filter(c -> ids[1].equals(c.form().get("customer"))))
        .hasSize(1);
  }

  @Test
  @DisplayName(
      "an active subscriber starts without credits and cannot subscribe twice; the portal returns to /billing")
  void activeAndPortal() {
    JsonObject session = fx.server.signup();
    String[] ids = subscribe(session);
    long periodEnd = Instant.now().plusSeconds(30L * 86_400).getEpochSecond();
    event(
        "customer.subscription.updated",
        sub(ids, session, "active", periodEnd, false),
        Instant.now().getEpochSecond());

    JsonObject current = state(session);
    assertThat(current.getString("status")).isEqualTo("active");
    assertThat(current.getString("nextBillingDate"))
        .isEqualTo(Instant.ofEpochSecond(periodEnd).toString());
    assertThat(current.getBoolean("unlimitedSessions")).isTrue();
    assertThat(fx.startsWithoutCredits(session)).isTrue();
    assertThat(
            call("POST", "/api/subscriptions/create", session).bodyAsJsonObject().getString("code"))
        .isEqualTo("already_subscribed");

    HttpResponse<Buffer> portal = call("GET", "/api/subscriptions/portal", session);
    assertThat(portal.statusCode()).isEqualTo(200);
    assertThat(portal.bodyAsJsonObject().getString("url"))
        .startsWith(fx.stripe.apiBase() + "/p/session/");
    FakeStripe.Call portalCall =
        fx.stripe.calls("/v1/billing_portal/sessions").stream()
            .filter(c -> ids[1].equals(c.form().get("customer")))
            .findFirst()
            .orElseThrow();
    assertThat(portalCall.form())
        .containsEntry("return_url", "https://app.interviewroom.test/billing");
  }

  @Test
  @DisplayName("out-of-order subscription events end in the newest state")
  void outOfOrder() {
    Subscriber s = subscriber();
    // past_due (newer) arrives before active (older): past_due stands
    event("customer.subscription.updated", s.sub("past_due", false), s.t() + 20);
    event("customer.subscription.created", s.sub("active", false), s.t() + 10);
    assertThat(state(s.session()).getString("status")).isEqualTo("past_due");
    // deleted (newest) before a stale update and a stale invoice.paid: canceled stands
    event("customer.subscription.deleted", s.sub("canceled", false), s.t() + 40);
    event("customer.subscription.updated", s.sub("active", false), s.t() + 30);
    event("invoice.paid", s.invoice("paid"), s.t() + 35);
    assertThat(state(s.session()).getString("status")).isEqualTo("canceled");
    assertThat(fx.startsWithoutCredits(s.session())).isFalse();
    assertThat(
            fx.rows(
                    "SELECT last_event_created FROM subscriptions WHERE user_id = $1",
                    id(s.session()))
                .get(0)
                .getOffsetDateTime("last_event_created")
                .toInstant())
        .isEqualTo(Instant.ofEpochSecond(s.t() + 40));
  }

  @Test
  @DisplayName(
      "a failed renewal (past_due) keeps the bypass for the grace only; a paid invoice restores it")
  void pastDueLosesBypass() {
    Subscriber s = subscriber();
    event("customer.subscription.updated", s.sub("active", false), s.t());
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();

    event("invoice.payment_failed", s.invoice("open"), s.t() + 5);
    assertThat(
            fx.rows("SELECT status FROM subscriptions WHERE user_id = $1", id(s.session()))
                .get(0)
                .getString("status"))
        .isEqualTo("past_due");
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();
    assertThat(state(s.session()).getBoolean("unlimitedSessions")).isTrue();
    fx.rows(
        "UPDATE subscriptions SET past_due_since = past_due_since - interval '8 days' WHERE user_id = $1",
        id(s.session()));
    assertThat(fx.startsWithoutCredits(s.session())).isFalse();
    assertThat(state(s.session()).getBoolean("unlimitedSessions")).isFalse();

    long nextEnd = s.periodEnd() + 30L * 86_400;
    event(
        "invoice.paid",
        StripeDeliveries.invoice(s.ids()[0], s.ids()[1], "paid", nextEnd),
        s.t() + 10);
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();
    assertThat(state(s.session()).getString("currentPeriodEnd"))
        .isEqualTo(Instant.ofEpochSecond(nextEnd).toString());

    event("customer.subscription.updated", s.sub("unpaid", nextEnd, false), s.t() + 20);
    assertThat(fx.startsWithoutCredits(s.session())).isFalse();
  }

  @Test
  @DisplayName("cancel at period end keeps access (status active) until the deleted event arrives")
  void cancelAtPeriodEnd() {
    Subscriber s = subscriber();
    event("customer.subscription.updated", s.sub("active", false), s.t());

    HttpResponse<Buffer> cancel = call("POST", "/api/subscriptions/cancel", s.session());
    assertThat(cancel.statusCode()).isEqualTo(200);
    assertThat(fx.stripe.calls("/v1/subscriptions/" + s.ids()[0]).get(0).form())
        .containsEntry("cancel_at_period_end", "true");
    JsonObject afterCancel = cancel.bodyAsJsonObject();
    assertThat(afterCancel.getString("status")).isEqualTo("active");
    assertThat(afterCancel.getBoolean("cancelAtPeriodEnd")).isTrue();
    assertThat(afterCancel.getString("nextBillingDate")).isNull();
    assertThat(afterCancel.getString("currentPeriodEnd"))
        .isEqualTo(Instant.ofEpochSecond(s.periodEnd()).toString());
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();

    // Stripe's own update confirms it; still active until the period ends
    event("customer.subscription.updated", s.sub("active", true), s.t() + 5);
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();

    event("customer.subscription.deleted", s.sub("canceled", true), s.t() + 10);
    assertThat(state(s.session()).getString("status")).isEqualTo("canceled");
    assertThat(fx.startsWithoutCredits(s.session())).isFalse();
    assertThat(call("POST", "/api/subscriptions/cancel", s.session()).statusCode()).isEqualTo(409);
  }

  @Test
  @DisplayName(
      "a stale invoice.payment_failed (older than the update held) leaves the subscription active")
  void staleInvoiceIgnored() {
    Subscriber s = subscriber();
    event("customer.subscription.updated", s.sub("active", false), s.t() + 10);
    HttpResponse<Buffer> stale =
        fx.deliver(StripeDeliveries.event("invoice.payment_failed", s.invoice("open"), s.t() + 5));
    assertThat(stale.bodyAsJsonObject().getString("outcome")).isEqualTo("ignored");
    assertThat(state(s.session()).getString("status")).isEqualTo("active");
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();
  }

  @Test
  @DisplayName(
      "a canceled subscription never comes back: not by a same-second update, not by a later one")
  void canceledIsFinal() {
    Subscriber s = subscriber();
    event("customer.subscription.updated", s.sub("active", false), s.t());
    event("customer.subscription.deleted", s.sub("canceled", false), s.t() + 10);
    event("customer.subscription.updated", s.sub("active", false), s.t() + 10);
    assertThat(state(s.session()).getString("status")).isEqualTo("canceled");
    event("customer.subscription.updated", s.sub("active", false), s.t() + 20);
    event("invoice.paid", s.invoice("paid"), s.t() + 30);
    assertThat(state(s.session()).getString("status")).isEqualTo("canceled");
    assertThat(fx.startsWithoutCredits(s.session())).isFalse();
  }

  @Test
  @DisplayName(
      "after resubscribing, a late event about the old subscription never replaces the new one, however new its timestamp")
  void oldSubscriptionNeverReplacesTheNewOne() {
    Subscriber s = subscriber();
    event("customer.subscription.updated", s.sub("active", false), s.t());
    event("customer.subscription.deleted", s.sub("canceled", false), s.t() + 10);
    fx.stripe.setSubscriptionStatus(s.ids()[0], "canceled");
    HttpResponse<Buffer> again = call("POST", "/api/subscriptions/create", s.session());
    assertThat(again.statusCode()).isEqualTo(201);
    String[] renewed = {again.bodyAsJsonObject().getString("subscriptionId"), s.ids()[1]};
    assertThat(renewed[0]).isNotEqualTo(s.ids()[0]);
    event(
        "customer.subscription.updated",
        sub(renewed, s.session(), "active", s.periodEnd(), false),
        s.t() + 20);
    assertThat(state(s.session()).getString("status")).isEqualTo("active");

    // Stripe retries and reorders: an old-subscription update, older or newer than the new one's
    event("customer.subscription.updated", s.sub("past_due", false), s.t() + 15);
    event("customer.subscription.updated", s.sub("unpaid", false), s.t() + 30);
    assertThat(state(s.session()).getString("status")).isEqualTo("active");
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();
  }

  @Test
  @DisplayName(
      "two events of the same second end in the later life-cycle state whatever the arrival order")
  void sameSecondTieBreak() {
    Subscriber first = subscriber();
    event("customer.subscription.updated", first.sub("active", false), first.t());
    event("invoice.payment_failed", first.invoice("open"), first.t() + 5);
    event("customer.subscription.updated", first.sub("active", false), first.t() + 5);
    assertThat(state(first.session()).getString("status")).isEqualTo("past_due");

    Subscriber second = subscriber();
    event("customer.subscription.updated", second.sub("active", false), second.t() + 5);
    event("invoice.payment_failed", second.invoice("open"), second.t() + 5);
    assertThat(state(second.session()).getString("status")).isEqualTo("past_due");
  }

  @Test
  @DisplayName(
      "the same customer.subscription.updated delivered twice is applied once: outcome duplicate, one audit event")
  void duplicateSubscriptionEvent() {
    Subscriber s = subscriber();
    String eventId = "evt_twice_" + UUID.randomUUID().toString().replace("-", "");
    byte[] update =
        StripeDeliveries.event(
            eventId, "customer.subscription.updated", s.sub("active", false), s.t());
    assertThat(fx.deliver(update).bodyAsJsonObject().getString("outcome")).isEqualTo("processed");
    assertThat(fx.deliver(update).bodyAsJsonObject().getString("outcome")).isEqualTo("duplicate");
    assertThat(
            fx.rows(
                "SELECT 1 FROM events WHERE user_id = $1 AND kind = 'subscription.status'",
                id(s.session())))
        .hasSize(1);
    assertThat(fx.rows("SELECT 1 FROM stripe_events WHERE id = $1", eventId)).hasSize(1);
  }

  @Test
  @DisplayName(
      "POST /api/sessions/start with no credits: trialing, active and a fresh past_due start free; unpaid and canceled get 402")
  void sessionStartFollowsStatus() {
    Subscriber s = subscriber();
    assertThat(fx.startsWithoutCredits(s.session())).as("incomplete").isFalse();
    List<String> statuses = List.of("trialing", "active", "past_due", "unpaid");
    for (int i = 0; i < statuses.size(); i++) {
      String status = statuses.get(i);
      event("customer.subscription.updated", s.sub(status, false), s.t() + i + 1);
      assertThat(fx.startsWithoutCredits(s.session()))
          .as(status)
          .isEqualTo(!status.equals("unpaid"));
    }
    event("customer.subscription.deleted", s.sub("canceled", false), s.t() + 10);
    assertThat(fx.startsWithoutCredits(s.session())).as("canceled").isFalse();
    assertThat(
            fx.rows(
                "SELECT 1 FROM credit_transactions WHERE user_id = $1 AND reason = 'session_start'",
                id(s.session())))
        .isEmpty();
  }

  @Test
  @DisplayName(
      "a session started while active is not cut off by past_due and deleted: it stays live and ends normally")
  void runningSessionSurvivesCancel() {
    Subscriber s = subscriber();
    event("customer.subscription.updated", s.sub("active", false), s.t());
    HttpResponse<Buffer> started = fx.startWithNoCredits(s.session());
    assertThat(started.statusCode()).isEqualTo(201);
    assertThat(started.bodyAsJsonObject().getBoolean("creditCharged")).isFalse();
    String sessionId = started.bodyAsJsonObject().getString("sessionId");

    event("customer.subscription.updated", s.sub("past_due", false), s.t() + 5);
    event("customer.subscription.deleted", s.sub("canceled", false), s.t() + 10);
    assertThat(state(s.session()).getString("status")).isEqualTo("canceled");

    JsonObject detail = call("GET", "/api/sessions/" + sessionId, s.session()).bodyAsJsonObject();
    assertThat(detail.getString("status")).isEqualTo("scheduled");
    HttpResponse<Buffer> ended = call("POST", "/api/sessions/" + sessionId + "/end", s.session());
    assertThat(ended.statusCode()).isEqualTo(200);
    assertThat(ended.bodyAsJsonObject().getBoolean("alreadyEnded")).isFalse();
    assertThat(ended.bodyAsJsonObject().getString("endReason")).isNotBlank();
    // the next one needs a credit again
    assertThat(fx.startsWithoutCredits(s.session())).isFalse();
  }

  private static String tier(JsonObject session) {
    return call("GET", "/api/users/profile", session)
        .bodyAsJsonObject()
        .getString("subscriptionTier");
  }

  /**
   * What the realtime gateway reads when the session's socket opens, to pick the voice provider.
   */
  private static String routedTier(JsonObject session) {
    return fx.rows("SELECT subscription_tier FROM profiles WHERE user_id = $1", id(session))
        .get(0)
        .getString("subscription_tier");
  }

  @Test
  @DisplayName(
      "active and trialing put the plan's tier (pro) on the profile; unpaid and canceled take it back to free")
  void statusDrivesTier() {
    Subscriber s = subscriber();
    assertThat(tier(s.session())).as("incomplete").isEqualTo("free");
    event("customer.subscription.updated", s.sub("trialing", false), s.t() + 1);
    assertThat(tier(s.session())).as("trialing").isEqualTo("pro");
    assertThat(state(s.session()).getString("tier")).isEqualTo("pro");
    event("customer.subscription.updated", s.sub("active", false), s.t() + 2);
    assertThat(tier(s.session())).as("active").isEqualTo("pro");
    event("customer.subscription.updated", s.sub("unpaid", false), s.t() + 3);
    assertThat(tier(s.session())).as("unpaid").isEqualTo("free");
    event("invoice.paid", s.invoice("paid"), s.t() + 4);
    assertThat(tier(s.session())).as("invoice.paid").isEqualTo("pro");
    event("customer.subscription.deleted", s.sub("canceled", false), s.t() + 5);
    assertThat(tier(s.session())).as("canceled").isEqualTo("free");
    assertThat(state(s.session()).getString("tier")).isEqualTo("free");
  }

  @Test
  @DisplayName(
      "the tier follows the subscription's event order: a late, older active never re-grants a canceled subscription's tier")
  void tierIgnoresStaleEvents() {
    Subscriber s = subscriber();
    event("customer.subscription.updated", s.sub("active", false), s.t() + 1);
    event("customer.subscription.deleted", s.sub("canceled", false), s.t() + 20);
    event("customer.subscription.updated", s.sub("active", false), s.t() + 10);
    event("invoice.paid", s.invoice("paid"), s.t() + 11);
    assertThat(tier(s.session())).isEqualTo("free");

    Subscriber other = subscriber();
    event("customer.subscription.updated", other.sub("active", false), other.t() + 20);
    event("customer.subscription.updated", other.sub("unpaid", false), other.t() + 10);
    event("invoice.payment_failed", other.invoice("open"), other.t() + 5);
    assertThat(tier(other.session())).isEqualTo("pro");
    assertThat(state(other.session()).getValue("warning")).isNull();
  }

  @Test
  @DisplayName(
      "past_due keeps the tier for the grace with a warning; once it runs out the next session start routes as free")
  void pastDueGrace() {
    Subscriber s = subscriber();
    event("customer.subscription.updated", s.sub("active", false), s.t() + 1);
    event("invoice.payment_failed", s.invoice("open"), s.t() + 2);
    JsonObject current = state(s.session());
    assertThat(current.getString("status")).isEqualTo("past_due");
    assertThat(current.getString("tier")).isEqualTo("pro");
    assertThat(current.getBoolean("unlimitedSessions")).isTrue();
    JsonObject warning = current.getJsonObject("warning");
    assertThat(warning.getString("code")).isEqualTo("payment_past_due");
    assertThat(Instant.parse(warning.getString("graceEndsAt")))
        .isEqualTo(Instant.ofEpochSecond(s.t() + 2).plusSeconds(7L * 86_400));
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();
    assertThat(routedTier(s.session())).isEqualTo("pro");

    // eight days pass without a webhook: the profile still says pro until the next session start
    // settles it
    fx.rows(
        "UPDATE subscriptions SET past_due_since = past_due_since - interval '8 days' WHERE user_id = $1",
        id(s.session()));
    assertThat(routedTier(s.session())).isEqualTo("pro");
    assertThat(fx.startsWithoutCredits(s.session())).isFalse();
    TestUser user = new TestUser(fx.server, id(s.session()), EdgeServer.bearer(s.session()));
    user.setCredits(1);
    HttpResponse<Buffer> paid =
        user.post(
            "/api/sessions/start",
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(paid.statusCode()).as(paid.bodyAsString()).isEqualTo(201);
    assertThat(paid.bodyAsJsonObject().getBoolean("creditCharged")).isTrue();
    assertThat(routedTier(s.session())).isEqualTo("free");
    assertThat(state(s.session()).getJsonObject("warning").getString("code"))
        .isEqualTo("payment_past_due_grace_over");

    // a later failed retry does not restart the grace; the paid invoice restores the tier
    event("invoice.payment_failed", s.invoice("open"), s.t() + 3);
    assertThat(tier(s.session())).isEqualTo("free");
    event("invoice.paid", s.invoice("paid"), s.t() + 4);
    assertThat(tier(s.session())).isEqualTo("pro");
    assertThat(state(s.session()).getValue("warning")).isNull();
  }

  @Test
  @DisplayName(
      "GET /api/billing/status: the publishable key, the balance, the tier and the subscription with its warning in one read")
  void billingStatus() {
    Subscriber s = subscriber();
    HttpResponse<Buffer> fresh = call("GET", "/api/billing/status", s.session());
    assertThat(fresh.statusCode()).isEqualTo(200);
    assertThat(fresh.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject status = fresh.bodyAsJsonObject();
    assertThat(status.getString("publishableKey")).isEqualTo(FakeStripe.PUBLISHABLE_KEY);
    assertThat(status.getBoolean("packsEnabled")).isTrue();
    assertThat(status.getBoolean("subscriptionsEnabled")).isTrue();
    assertThat(status.getInteger("credits")).isEqualTo(fx.credits(id(s.session())));
    assertThat(status.getString("tier")).isEqualTo("free");
    assertThat(status.getJsonObject("subscription").getString("status")).isEqualTo("incomplete");

    event("customer.subscription.updated", s.sub("active", false), s.t() + 1);
    event("invoice.payment_failed", s.invoice("open"), s.t() + 2);
    assertThat(call("POST", "/api/subscriptions/cancel", s.session()).statusCode()).isEqualTo(200);
    status = call("GET", "/api/billing/status", s.session()).bodyAsJsonObject();
    assertThat(status.getString("tier")).isEqualTo("pro");
    JsonObject subscription = status.getJsonObject("subscription");
    assertThat(subscription.getString("status")).isEqualTo("past_due");
    assertThat(subscription.getBoolean("cancelAtPeriodEnd")).isTrue();
    assertThat(subscription.getValue("nextBillingDate")).isNull();
    assertThat(subscription.getString("currentPeriodEnd"))
        .isEqualTo(Instant.ofEpochSecond(s.periodEnd()).toString());
    assertThat(subscription.getJsonObject("warning").getString("code"))
        .isEqualTo("payment_past_due");
  }

  @Test
  @DisplayName(
      "webhook held back: after the first payment confirm reads Stripe, so the subscriber starts at once; the late webhook changes nothing")
  void confirmBeforeWebhook() {
    Subscriber s = subscriber();
    // not paid yet at Stripe: confirm leaves it incomplete
    HttpResponse<Buffer> early = call("POST", "/api/subscriptions/confirm", s.session());
    assertThat(early.statusCode()).isEqualTo(200);
    assertThat(early.bodyAsJsonObject().getString("status")).isEqualTo("incomplete");
    assertThat(fx.startsWithoutCredits(s.session())).isFalse();

    fx.stripe.setSubscriptionStatus(s.ids()[0], "active");
    HttpResponse<Buffer> confirmed = call("POST", "/api/subscriptions/confirm", s.session());
    assertThat(confirmed.statusCode()).isEqualTo(200);
    assertThat(confirmed.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(confirmed.bodyAsJsonObject().getString("status")).isEqualTo("active");
    assertThat(confirmed.bodyAsJsonObject().getString("tier")).isEqualTo("pro");
    assertThat(routedTier(s.session())).isEqualTo("pro");
    assertThat(fx.startsWithoutCredits(s.session())).isTrue();
    int reads = fx.stripe.calls("/v1/subscriptions/" + s.ids()[0]).size();
    assertThat(call("POST", "/api/subscriptions/confirm", s.session()).statusCode()).isEqualTo(200);
    assertThat(fx.stripe.calls("/v1/subscriptions/" + s.ids()[0]))
        .as("no second read once active")
        .hasSize(reads);

    // the held-back webhooks land: the created (incomplete) one is older than the read and is
    // ignored
    event("customer.subscription.created", s.sub("incomplete", false), s.t() - 1);
    event("customer.subscription.updated", s.sub("active", false), s.t());
    assertThat(state(s.session()).getString("status")).isEqualTo("active");
    assertThat(tier(s.session())).isEqualTo("pro");
    // a later change still wins
    event("customer.subscription.deleted", s.sub("canceled", false), s.t() + 60);
    assertThat(tier(s.session())).isEqualTo("free");
  }

  @Test
  @DisplayName("without a subscription: state is none, cancel and portal are 409")
  void none() {
    JsonObject session = fx.server.signup();
    JsonObject current = state(session);
    assertThat(current.getString("status")).isEqualTo("none");
    assertThat(current.getBoolean("unlimitedSessions")).isFalse();
    assertThat(call("POST", "/api/subscriptions/cancel", session).statusCode()).isEqualTo(409);
    assertThat(
            call("GET", "/api/subscriptions/portal", session).bodyAsJsonObject().getString("code"))
        .isEqualTo("no_billing_account");
  }
}
