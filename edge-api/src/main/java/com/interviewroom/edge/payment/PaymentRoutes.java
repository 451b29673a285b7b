package com.interviewroom.edge.payment;

import com.interviewroom.common.http.RequestIds;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.billing.BillingPlans;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * {@code GET /api/billing/plans}, {@code POST /api/payments/create-intent}, {@code GET
 * /api/payments/{id}}, {@code POST /api/payments/{id}/confirm} and the Stripe webhook {@code POST
 * /api/payments/webhook}, which has no bearer auth: its Stripe-Signature over the raw body is the
 * authentication.
 */
public final class PaymentRoutes {
  public static final String WEBHOOK_PATH = "/api/payments/webhook";

  /**
   * Stripe does not cap event sizes; an invoice with many lines outgrows the 128 KiB of client
   * requests.
   */
  public static final long WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

  private static final Pattern INTENT_ID = Pattern.compile("pi_[A-Za-z0-9_]{1,200}");

  private final PaymentService payments;
  private final StripeWebhooks webhooks;

  public PaymentRoutes(PaymentService payments, StripeWebhooks webhooks) {
    this.payments = payments;
    this.webhooks = webhooks;
  }

  public void mount(Router router, Authenticated authenticated) {
    router
        .get("/api/billing/plans")
        .respond(
            ctx -> {
              ctx.response().putHeader("Cache-Control", "public, max-age=300");
              return Future.succeededFuture(BillingPlans.toJson());
            });
    authenticated.route(router.post("/api/payments/create-intent")).respond(this::createIntent);
    router.post(WEBHOOK_PATH).respond(this::webhook);
    authenticated.route(router.get("/api/payments/:paymentIntentId")).respond(this::find);
    authenticated
        .route(router.post("/api/payments/:paymentIntentId/confirm"))
        .respond(this::confirm);
  }

  private Future<JsonObject> confirm(RoutingContext ctx) {
    String id = intentId(ctx);
    com.interviewroom.edge.web.NoInput.check(ctx);
    ctx.response().putHeader("Cache-Control", "no-store");
    return payments.confirm(BearerAuth.user(ctx), id, RequestIds.of(ctx));
  }

  private static String intentId(RoutingContext ctx) {
    String id = ctx.pathParam("paymentIntentId");
    if (!INTENT_ID.matcher(id).matches()) {
      throw com.interviewroom.common.http.Problems.notFound("No such payment.");
    }
    return id;
  }

  private Future<JsonObject> createIntent(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String packageId = in.oneOf("packageId", BillingPlans.creditPackIds(), true);
    in.finish();
    BillingPlans.Plan plan = BillingPlans.creditPack(packageId).orElseThrow();
    ctx.response().setStatusCode(201).putHeader("Cache-Control", "no-store");
    var user = BearerAuth.user(ctx);
    return payments.createIntent(
        user,
        plan,
        RequestIds.of(ctx),
        EventRecord.of(ctx, user.id(), null, "payment.intent_created", null));
  }

  private Future<JsonObject> find(RoutingContext ctx) {
    String id = intentId(ctx);
    ctx.response().putHeader("Cache-Control", "no-store");
    return payments.find(BearerAuth.user(ctx), id);
  }

  /** The raw bytes as buffered by the root BodyHandler; never a re-encoded JSON object. */
  private Future<JsonObject> webhook(RoutingContext ctx) {
    return webhooks
        .handle(
            ctx.request().getHeader("Stripe-Signature"), ctx.body().buffer(), RequestIds.of(ctx))
        .map(outcome -> new JsonObject().put("received", true).put("outcome", outcome.wire()));
  }
}
