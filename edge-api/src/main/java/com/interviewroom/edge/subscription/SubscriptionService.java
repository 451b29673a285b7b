package com.interviewroom.edge.subscription;

import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.payment.BillingPlans;
import com.interviewroom.edge.payment.StripeGateway;
import com.interviewroom.schema.Database;
import com.stripe.model.Invoice;
import com.stripe.model.Subscription;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.UUID;

/** The Unlimited Monthly subscription: create, cancel at period end, customer portal, current state. */
public final class SubscriptionService {
  private static final String INCOMPLETE = "incomplete";
  private final Database db;
  private final StripeGateway stripe;
  private final String priceId;
  private final String portalReturnUrl;

  /** {@code stripe} or {@code priceId} null: subscribing answers 503, reading the state still works. */
  public SubscriptionService(Database db, StripeGateway stripe, String priceId, String publicBaseUrl) {
    this.db = db;
    this.stripe = stripe;
    this.priceId = priceId;
    this.portalReturnUrl = publicBaseUrl.replaceAll("/+$", "") + "/account";
  }

  /**
   * A new incomplete subscription, or the one still waiting for its first payment: an
   * {@code incomplete} subscription is fetched from Stripe and handed back while Stripe still holds
   * it incomplete, so the client pays that one instead of opening a second.
   */
  public Future<JsonObject> create(AuthUser user, String requestId) {
    if (stripe == null || priceId == null) {
      return Future.failedFuture(notConfigured());
    }
    return db.asUser(user.id(), sql -> SubscriptionRepository.find(sql, user.id()))
        .compose(current -> {
          if (current.isPresent() && SubscriptionState.HELD.contains(current.get().status())) {
            return Future.failedFuture(alreadySubscribed());
          }
          if (current.isPresent() && INCOMPLETE.equals(current.get().status()) && current.get().subscriptionId() != null) {
            return stripe.retrieveSubscription(current.get().subscriptionId()).compose(sub -> {
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
        .compose(sub -> {
          SubscriptionState state = fromApi(sub);
          return db.asService(sql -> SubscriptionRepository.upsertFromApi(sql, user.id(), state))
              .map(done -> new JsonObject()
                  .put("subscriptionId", sub.getId())
                  .put("status", sub.getStatus())
                  .put("clientSecret", clientSecret(sub))
                  .put("plan", BillingPlans.UNLIMITED_MONTHLY.id()));
        });
  }

  private Future<Subscription> subscribe(AuthUser user, String requestId) {
    return customerFor(user).compose(customerId -> stripe.createSubscription(customerId, priceId, user.id().toString(),
        "subscription:" + user.id() + ":" + requestId));
  }

  private static ApiException alreadySubscribed() {
    return Problems.conflict("already_subscribed", "You already have a subscription; manage it in the billing portal.");
  }

  public Future<JsonObject> cancel(AuthUser user, String requestId) {
    if (stripe == null) {
      return Future.failedFuture(notConfigured());
    }
    return db.asUser(user.id(), sql -> SubscriptionRepository.find(sql, user.id()))
        .compose(current -> {
          if (current.isEmpty() || !SubscriptionState.HELD.contains(current.get().status())) {
            return Future.failedFuture(Problems.conflict("no_active_subscription", "There is no subscription to cancel."));
          }
          String id = current.get().subscriptionId();
          return stripe.cancelAtPeriodEnd(id, "cancel:" + id + ":" + requestId)
              .compose(sub -> db.asService(sql -> SubscriptionRepository.markCancelAtPeriodEnd(sql, id,
                  Boolean.TRUE.equals(sub.getCancelAtPeriodEnd()))));
        })
        .compose(done -> state(user));
  }

  public Future<JsonObject> portal(AuthUser user, String requestId) {
    if (stripe == null) {
      return Future.failedFuture(notConfigured());
    }
    return db.asUser(user.id(), sql -> SubscriptionRepository.customerId(sql, user.id()))
        .compose(customerId -> customerId == null
            ? Future.failedFuture(Problems.conflict("no_billing_account", "Subscribe first; there is no billing account yet."))
            : stripe.portalSession(customerId, portalReturnUrl, "portal:" + user.id() + ":" + requestId))
        .map(session -> new JsonObject().put("url", session.getUrl()));
  }

  /** {@code nextBillingDate} is the period end while the subscription renews; null once it is set to end. */
  public Future<JsonObject> state(AuthUser user) {
    return db.asUser(user.id(), sql -> SubscriptionRepository.find(sql, user.id())).map(SubscriptionService::view);
  }

  static JsonObject view(Optional<SubscriptionRepository.Stored> stored) {
    if (stored.isEmpty()) {
      return new JsonObject().put("plan", null).put("status", "none").put("currentPeriodEnd", null)
          .put("nextBillingDate", null).put("cancelAtPeriodEnd", false).put("unlimitedSessions", false);
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
        .put("unlimitedSessions", SubscriptionState.UNLIMITED.contains(s.status()));
  }

  /** The profile's customer, created at Stripe on first use (one idempotency key per user). */
  private Future<String> customerFor(AuthUser user) {
    UUID id = user.id();
    return db.asUser(id, sql -> SubscriptionRepository.customerId(sql, id))
        .compose(existing -> existing != null
            ? Future.succeededFuture(existing)
            : stripe.createCustomer(id.toString(), user.email())
                .compose(customer -> db.asService(sql -> SubscriptionRepository.setCustomerIfMissing(sql, id, customer.getId())
                    .compose(done -> SubscriptionRepository.customerId(sql, id)))));
  }

  private static SubscriptionState fromApi(Subscription sub) {
    Long end = null;
    if (sub.getItems() != null && sub.getItems().getData() != null) {
      for (var item : sub.getItems().getData()) {
        if (item.getCurrentPeriodEnd() != null) {
          end = end == null ? item.getCurrentPeriodEnd() : Math.max(end, item.getCurrentPeriodEnd());
        }
      }
    }
    return new SubscriptionState(sub.getId(), sub.getCustomer(), sub.getStatus(),
        end == null ? null : java.time.Instant.ofEpochSecond(end), Boolean.TRUE.equals(sub.getCancelAtPeriodEnd()));
  }

  private static String clientSecret(Subscription sub) {
    Invoice invoice = sub.getLatestInvoiceObject();
    return invoice == null || invoice.getConfirmationSecret() == null ? null : invoice.getConfirmationSecret().getClientSecret();
  }

  private static ApiException notConfigured() {
    return Problems.unavailable("subscriptions_not_configured", "Subscriptions are not configured on this server.", null);
  }
}
