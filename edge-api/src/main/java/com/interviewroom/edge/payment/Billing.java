package com.interviewroom.edge.payment;

import com.interviewroom.edge.billing.StripeGateway;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.edge.subscription.SubscriptionAccess;
import com.interviewroom.edge.subscription.SubscriptionRoutes;
import com.interviewroom.edge.subscription.SubscriptionService;
import com.interviewroom.edge.web.Authenticated;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Builds the Stripe client (when configured) and mounts the payment and subscription routes. */
public final class Billing {
  private Billing() {}

  public static void mount(
      Router router, EdgeContext app, Authenticated authenticated, Vertx vertx) {
    var stripeConfig = app.config().stripe();
    StripeGateway gateway =
        stripeConfig.configured() ? new StripeGateway(vertx, stripeConfig) : null;
    SubscriptionAccess access = SubscriptionAccess.of(app.config());
    new PaymentRoutes(
            new PaymentService(app.db(), gateway),
            new StripeWebhooks(app.db(), stripeConfig.webhookSecret(), app.clock(), access))
        .mount(router, authenticated);
    SubscriptionService subscriptions =
        new SubscriptionService(
            app.db(),
            gateway,
            stripeConfig.priceUnlimited(),
            app.config().http().publicBaseUrl(),
            access);
    new SubscriptionRoutes(subscriptions).mount(router, authenticated);
    new BillingStatus(app.db(), subscriptions, stripeConfig, app.config().stripeJs().url())
        .mount(router, authenticated);
  }
}
