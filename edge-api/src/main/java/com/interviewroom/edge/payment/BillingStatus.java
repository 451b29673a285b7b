package com.interviewroom.edge.payment;

import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.config.Config;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.subscription.SubscriptionService;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code GET /api/billing/status}: everything the billing page shows in one read (balance, tier,
 * the subscription with its warning) and what it needs to load Stripe.js (the publishable key, the
 * script's URL, which the page's CSP allows, and whether packs and subscriptions can be bought on
 * this server).
 */
public final class BillingStatus {
  private final Database db;
  private final SubscriptionService subscriptions;
  private final Config.Stripe stripe;
  private final String stripeJsUrl;

  public BillingStatus(
      Database db, SubscriptionService subscriptions, Config.Stripe stripe, String stripeJsUrl) {
    this.db = db;
    this.subscriptions = subscriptions;
    this.stripe = stripe;
    this.stripeJsUrl = stripeJsUrl;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated
        .route(router.get("/api/billing/status"))
        .respond(
            ctx -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              return status(BearerAuth.user(ctx));
            });
  }

  public Future<JsonObject> status(AuthUser user) {
    Future<JsonObject> balance =
        db.asUser(user.id(), sql -> PaymentRepository.balance(sql, user.id()));
    Future<JsonObject> subscription = subscriptions.state(user);
    return Future.all(balance, subscription)
        .map(
            done ->
                new JsonObject()
                    .put("publishableKey", stripe.publishableKey())
                    .put("stripeJsUrl", stripe.publishableKey() == null ? null : stripeJsUrl)
                    .put("packsEnabled", stripe.configured())
                    .put(
                        "subscriptionsEnabled",
                        stripe.configured() && stripe.priceUnlimited() != null)
                    .put("credits", balance.result().getInteger("credits"))
                    .put("tier", balance.result().getString("tier"))
                    .put("subscription", subscription.result()));
  }
}
