package com.interviewroom.edge.payment;

import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.billing.BillingPlans;
import com.interviewroom.edge.billing.StripeGateway;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Credit-pack purchases: a PaymentIntent per request, priced from {@link BillingPlans} only. */
public final class PaymentService {
  private final Database db;
  private final StripeGateway stripe;

  /** {@code stripe} is null when Stripe is not configured; purchases then answer 503. */
  public PaymentService(Database db, StripeGateway stripe) {
    this.db = db;
    this.stripe = stripe;
  }

  /**
   * The idempotency key joins user, package and request id: a client retrying the same request
   * (same {@code X-Request-Id}) gets the same PaymentIntent instead of a second one.
   */
  public Future<JsonObject> createIntent(
      AuthUser user, BillingPlans.Plan plan, String requestId, EventRecord audit) {
    if (stripe == null) {
      return Future.failedFuture(notConfigured());
    }
    String key = "create-intent:" + user.id() + ":" + plan.id() + ":" + requestId;
    return stripe
        .createPaymentIntent(plan, user.id().toString(), key)
        .compose(
            intent ->
                db.asService(
                        sql ->
                            PaymentRepository.insert(sql, user.id(), intent.getId(), plan)
                                .compose(
                                    done ->
                                        EventLog.append(
                                            sql,
                                            withPayload(
                                                audit,
                                                new JsonObject()
                                                    .put("paymentIntentId", intent.getId())
                                                    .put("packageId", plan.id())))))
                    .map(
                        done ->
                            new JsonObject()
                                .put("clientSecret", intent.getClientSecret())
                                .put("paymentIntentId", intent.getId())
                                .put("amount", intent.getAmount())
                                .put("currency", intent.getCurrency())));
  }

  /**
   * The browser's {@code confirmPayment} succeeded, the webhook may not have: asks Stripe for the
   * intent (on the Stripe worker pool) and, when Stripe says {@code succeeded} for the package's
   * exact amount, credits it now as the webhook would (the one that lands later is a duplicate).
   * Anything else changes nothing. Answers the payment as {@link #find} does.
   */
  public Future<JsonObject> confirm(AuthUser user, String paymentIntentId, String requestId) {
    return find(user, paymentIntentId)
        .compose(
            payment -> {
              if (PaymentRepository.STATUS_SUCCEEDED.equals(payment.getString("status"))) {
                return Future.succeededFuture(payment);
              }
              if (stripe == null) {
                return Future.failedFuture(notConfigured());
              }
              return stripe
                  .retrievePaymentIntent(paymentIntentId)
                  .compose(
                      intent ->
                          db.asService(
                              sql ->
                                  PaymentEvents.confirmed(
                                      sql,
                                      new JsonObject()
                                          .put("id", intent.getId())
                                          .put("status", intent.getStatus())
                                          .put("amount", intent.getAmount())
                                          .put("currency", intent.getCurrency()),
                                      requestId)))
                  .compose(credited -> find(user, paymentIntentId));
            });
  }

  public Future<JsonObject> find(AuthUser user, String paymentIntentId) {
    return db.asUser(user.id(), sql -> PaymentRepository.findForUser(sql, paymentIntentId))
        .map(found -> found.orElseThrow(() -> Problems.notFound("No such payment.")));
  }

  static com.interviewroom.common.http.ApiException notConfigured() {
    return Problems.unavailable(
        "payments_not_configured", "Payments are not configured on this server.", null);
  }

  private static EventRecord withPayload(EventRecord audit, JsonObject payload) {
    return new EventRecord(
        audit.requestId(),
        audit.userId(),
        null,
        null,
        audit.kind(),
        audit.trackedSkillIdHash(),
        payload);
  }
}
