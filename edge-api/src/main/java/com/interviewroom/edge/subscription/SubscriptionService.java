package com.interviewroom.edge.subscription;

import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.billing.BillingPlans;
import com.interviewroom.edge.billing.StripeGateway;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.schema.Database;
import com.stripe.model.Invoice;
import com.stripe.model.Subscription;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.UUID;

/**
 * The Unlimited Monthly subscription: create, cancel at period end, customer portal, current state.
 */
public final class SubscriptionService {
  /** The web app's billing page: where the Customer Portal sends people back. */
  public static final String BILLING_PAGE = "/billing";

  private static final String INCOMPLETE = "incomplete";
  private final Database db;
  private final StripeGateway stripe;
  private final String priceId;
  private final String portalReturnUrl;
  private final SubscriptionAccess access;

  /**
   * {@code stripe} or {@code priceId} null: subscribing answers 503, reading the state still works.
   */
  public SubscriptionService(
      Database db,
      StripeGateway stripe,
      String priceId,
      String publicBaseUrl,
      SubscriptionAccess access) {
    this.db = db;
    this.stripe = stripe;
    this.priceId = priceId;
    this.portalReturnUrl = publicBaseUrl.replaceAll("/+$", "") + BILLING_PAGE;
    this.access = access;
  }

  /**
   * A new incomplete subscription, or the one still waiting for its first payment: an {@code
   * incomplete} subscription is fetched from Stripe and handed back while Stripe still holds it
   * incomplete, so the client pays that one instead of opening a second.
   */
  public Future<JsonObject> create(AuthUser user, String requestId) {
    if (stripe == null || priceId == null) {
      return Future.failedFuture(notConfigured());
    }
    return db.asUser(
            user.id(),
            sql -> SubscriptionRepository.find(sql, user.id(), access.pastDueGraceDays()))
        .compose(
            current -> {
              if (current.isPresent() && SubscriptionState.HELD.contains(current.get().status())) {
                return Future.failedFuture(alreadySubscribed());
              }
              if (current.isPresent()
                  && INCOMPLETE.equals(current.get().status())
                  && current.get().subscriptionId() != null) {
                return stripe
                    .retrieveSubscription(current.get().subscriptionId())
                    .compose(
                        sub -> {
                          if (INCOMPLETE.equals(sub.getStatus())) {
                            return Future.succeededFuture(sub);
                          }
                          return SubscriptionState.HELD.contains(sub.getStatus())
                              ? Future.failedFuture(alreadySubscribed())
                              : subscribe(user, requestId);
                        });
              }
              return subscribe(user, requestId);
            })
        .compose(
            sub -> {
              SubscriptionState state = fromApi(sub);
              return db.asService(
                      sql ->
                          SubscriptionRepository.upsertFromApi(sql, user.id(), state)
                              .compose(done -> access.settle(sql, user.id())))
                  .map(
                      done ->
                          new JsonObject()
                              .put("subscriptionId", sub.getId())
                              .put("status", sub.getStatus())
                              .put("clientSecret", clientSecret(sub))
                              .put("plan", BillingPlans.UNLIMITED_MONTHLY.id()));
            });
  }

  private Future<Subscription> subscribe(AuthUser user, String requestId) {
    return customerFor(user)
        .compose(
            customerId ->
                stripe.createSubscription(
                    customerId,
                    priceId,
                    user.id().toString(),
                    "subscription:" + user.id() + ":" + requestId));
  }

  private static ApiException alreadySubscribed() {
    return Problems.conflict(
        "already_subscribed", "You already have a subscription; manage it in the billing portal.");
  }

  public Future<JsonObject> cancel(AuthUser user, String requestId) {
    if (stripe == null) {
      return Future.failedFuture(notConfigured());
    }
    return db.asUser(
            user.id(),
            sql -> SubscriptionRepository.find(sql, user.id(), access.pastDueGraceDays()))
        .compose(
            current -> {
              if (current.isEmpty() || !SubscriptionState.HELD.contains(current.get().status())) {
                return Future.failedFuture(
                    Problems.conflict(
                        "no_active_subscription", "There is no subscription to cancel."));
              }
              String id = current.get().subscriptionId();
              return stripe
                  .cancelAtPeriodEnd(id, "cancel:" + id + ":" + requestId)
                  .compose(
                      sub ->
                          db.asService(
                              sql ->
                                  SubscriptionRepository.markCancelAtPeriodEnd(
                                      sql, id, Boolean.TRUE.equals(sub.getCancelAtPeriodEnd()))));
            })
        .compose(done -> state(user));
  }

  /**
   * The browser paid the first invoice; the webhook may be late. While our row still says {@code
   * incomplete}, reads the subscription from Stripe (Stripe worker pool) and applies what Stripe
   * holds as if it were an event created just before the read: the state read covers every change
   * made up to then, so the webhooks of those changes arriving later are not newer and change
   * nothing, while any later change still wins. Answers the state as {@link #state} does.
   */
  public Future<JsonObject> confirm(AuthUser user, String requestId) {
    if (stripe == null) {
      return Future.failedFuture(notConfigured());
    }
    return db.asUser(
            user.id(),
            sql -> SubscriptionRepository.find(sql, user.id(), access.pastDueGraceDays()))
        .compose(
            current -> {
              if (current.isEmpty() || current.get().subscriptionId() == null) {
                return Future.failedFuture(
                    Problems.conflict(
                        "no_subscription",
                        "Subscribe first; there is no subscription to confirm."));
              }
              if (!INCOMPLETE.equals(current.get().status())) {
                return Future.succeededFuture();
              }
              long asOf = java.time.Instant.now().getEpochSecond();
              return stripe
                  .retrieveSubscription(current.get().subscriptionId())
                  .compose(
                      sub ->
                          db.asService(
                              sql ->
                                  SubscriptionRepository.applyEvent(
                                          sql, user.id(), fromApi(sub), asOf)
                                      .compose(
                                          applied ->
                                              !applied
                                                  ? Future.<Void>succeededFuture()
                                                  : access
                                                      .settle(sql, user.id())
                                                      .compose(
                                                          entitled ->
                                                              EventLog.append(
                                                                  sql,
                                                                  new EventRecord(
                                                                      requestId,
                                                                      user.id(),
                                                                      null,
                                                                      null,
                                                                      "subscription.status",
                                                                      null,
                                                                      new JsonObject()
                                                                          .put(
                                                                              "status",
                                                                              sub.getStatus())
                                                                          .put(
                                                                              "source",
                                                                              "api")))))));
            })
        .compose(done -> state(user));
  }

  public Future<JsonObject> portal(AuthUser user, String requestId) {
    if (stripe == null) {
      return Future.failedFuture(notConfigured());
    }
    return db.asUser(user.id(), sql -> SubscriptionRepository.customerId(sql, user.id()))
        .compose(
            customerId ->
                customerId == null
                    ? Future.failedFuture(
                        Problems.conflict(
                            "no_billing_account",
                            "Subscribe first; there is no billing account yet."))
                    : stripe.portalSession(
                        customerId, portalReturnUrl, "portal:" + user.id() + ":" + requestId))
        .map(session -> new JsonObject().put("url", session.getUrl()));
  }

  /**
   * {@code nextBillingDate} is the period end while the subscription renews; null once it is set to
   * end. {@code tier} and {@code unlimitedSessions} are what the subscription gives now; {@code
   * warning} is set while a failed renewal keeps access only until {@code graceEndsAt}.
   */
  public Future<JsonObject> state(AuthUser user) {
    return db.asUser(
            user.id(),
            sql -> SubscriptionRepository.find(sql, user.id(), access.pastDueGraceDays()))
        .map(SubscriptionService::view);
  }

  static JsonObject view(Optional<SubscriptionRepository.Stored> stored) {
    if (stored.isEmpty()) {
      return new JsonObject()
          .put("plan", null)
          .put("status", "none")
          .put("currentPeriodEnd", null)
          .put("nextBillingDate", null)
          .put("cancelAtPeriodEnd", false)
          .put("unlimitedSessions", false)
          .put("tier", null)
          .put("warning", null);
    }
    SubscriptionRepository.Stored s = stored.get();
    String end = s.currentPeriodEnd() == null ? null : s.currentPeriodEnd().toString();
    boolean renews = !s.cancelAtPeriodEnd() && SubscriptionState.HELD.contains(s.status());
    return new JsonObject()
        .put("plan", s.plan())
        .put("status", s.status())
        .put("currentPeriodEnd", end)
        .put("nextBillingDate", renews ? end : null)
        .put("cancelAtPeriodEnd", s.cancelAtPeriodEnd())
        .put("unlimitedSessions", s.entitled())
        .put("tier", s.tier())
        .put("warning", warning(s));
  }

  private static JsonObject warning(SubscriptionRepository.Stored s) {
    if (!"past_due".equals(s.status()) || s.graceEndsAt() == null) {
      return null;
    }
    boolean inGrace = s.entitled();
    return new JsonObject()
        .put("code", inGrace ? "payment_past_due" : "payment_past_due_grace_over")
        .put(
            "message",
            inGrace
                ? "Your last payment failed. Update your card before the grace period ends to keep your plan."
                : "Your last payment failed and the grace period is over; update your card to restore your plan.")
        .put("graceEndsAt", s.graceEndsAt().toString());
  }

  /** The profile's customer, created at Stripe on first use (one idempotency key per user). */
  private Future<String> customerFor(AuthUser user) {
    UUID id = user.id();
    return db.asUser(id, sql -> SubscriptionRepository.customerId(sql, id))
        .compose(
            existing ->
                existing != null
                    ? Future.succeededFuture(existing)
                    : stripe
                        .createCustomer(id.toString(), user.email())
                        .compose(
                            customer ->
                                db.asService(
                                    sql ->
                                        SubscriptionRepository.setCustomerIfMissing(
                                                sql, id, customer.getId())
                                            .compose(
                                                done ->
                                                    SubscriptionRepository.customerId(sql, id)))));
  }

  private static SubscriptionState fromApi(Subscription sub) {
    Long end = null;
    if (sub.getItems() != null && sub.getItems().getData() != null) {
      for (var item : sub.getItems().getData()) {
        if (item.getCurrentPeriodEnd() != null) {
          end =
              end == null ? item.getCurrentPeriodEnd() : Math.max(end, item.getCurrentPeriodEnd());
        }
      }
    }
    return new SubscriptionState(
        sub.getId(),
        sub.getCustomer(),
        sub.getStatus(),
        end == null ? null : java.time.Instant.ofEpochSecond(end),
        Boolean.TRUE.equals(sub.getCancelAtPeriodEnd()));
  }

  private static String clientSecret(Subscription sub) {
    Invoice invoice = sub.getLatestInvoiceObject();
    return invoice == null || invoice.getConfirmationSecret() == null
        ? null
        : invoice.getConfirmationSecret().getClientSecret();
  }

  private static ApiException notConfigured() {
    return Problems.unavailable(
        "subscriptions_not_configured", "Subscriptions are not configured on this server.", null);
  }
}
