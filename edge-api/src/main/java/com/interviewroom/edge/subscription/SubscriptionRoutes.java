package com.interviewroom.edge.subscription;

import com.interviewroom.common.http.RequestIds;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.Authenticated;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/subscriptions}: state, create, confirm (after the first payment, before its webhook),
 * cancel (at period end) and the Stripe customer portal.
 */
public final class SubscriptionRoutes {
  private final SubscriptionService service;

  public SubscriptionRoutes(SubscriptionService service) {
    this.service = service;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated
        .route(router.get("/api/subscriptions"))
        .respond(ctx -> service.state(BearerAuth.user(ctx)));
    authenticated.route(router.post("/api/subscriptions/create")).respond(this::create);
    authenticated
        .route(router.post("/api/subscriptions/cancel"))
        .respond(ctx -> noStore(ctx, service.cancel(BearerAuth.user(ctx), RequestIds.of(ctx))));
    authenticated
        .route(router.post("/api/subscriptions/confirm"))
        .respond(
            ctx -> {
              com.interviewroom.edge.web.NoInput.check(ctx);
              return noStore(ctx, service.confirm(BearerAuth.user(ctx), RequestIds.of(ctx)));
            });
    authenticated
        .route(router.get("/api/subscriptions/portal"))
        .respond(ctx -> noStore(ctx, service.portal(BearerAuth.user(ctx), RequestIds.of(ctx))));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    // no body fields are accepted: the plan and its price are fixed on the server
    if (ctx.body() != null && ctx.body().length() > 0) {
      com.interviewroom.edge.web.JsonInput.of(ctx).finish();
    }
    ctx.response().setStatusCode(201);
    return noStore(ctx, service.create(BearerAuth.user(ctx), RequestIds.of(ctx)));
  }

  /** Client secrets and portal URLs are single-user and short-lived: never cached. */
  private static Future<JsonObject> noStore(RoutingContext ctx, Future<JsonObject> result) {
    ctx.response().putHeader("Cache-Control", "no-store");
    return result;
  }
}
