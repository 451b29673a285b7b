package com.interviewroom.edge.billing;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Subscription;
import com.stripe.model.billingportal.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionRetrieveParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.billingportal.SessionCreateParams;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Stripe calls we make, through one {@link StripeClient} instance (no global statics) pointed
 * at {@code STRIPE_API_BASE}. stripe-java is blocking, so every call runs on a worker thread of the
 * dedicated {@code stripe-java} pool; callers get a {@link Future} and the event loop never waits,
 * and a slow Stripe cannot take the shared worker pool (password hashing, sandbox calls) with it.
 */
public final class StripeGateway {
  /**
   * The API version every request is sent with: the one stripe-java 30.2.0 is generated for (it
   * sends it as {@code Stripe-Version}). Webhook endpoints in the Stripe dashboard must use the
   * same one, so event payloads have the shapes parsed here. A dependency bump that changes it
   * fails start-up.
   */
  public static final String API_VERSION = "2025-10-29.clover";

  private static final Logger LOG = LoggerFactory.getLogger(StripeGateway.class);
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 20_000;

  /** Safe because every POST carries an idempotency key: a retried request cannot charge twice. */
  private static final int NETWORK_RETRIES = 2;

  /** Concurrent Stripe calls per JVM; more wait in the pool's queue. */
  private static final int POOL_SIZE = 16;

  /**
   * Longer than the three attempts' read timeouts, so a slow but live call is not reported as
   * blocked.
   */
  private static final long MAX_CALL_SECONDS = 90;

  private final WorkerExecutor workers;
  private final StripeClient client;

  public StripeGateway(Vertx vertx, Config.Stripe config) {
    if (!API_VERSION.equals(Stripe.API_VERSION)) {
      throw new IllegalStateException(
          "stripe-java speaks API version "
              + Stripe.API_VERSION
              + " but the code is written for "
              + API_VERSION
              + "; review the webhook parsing before changing it");
    }
    this.workers =
        vertx.createSharedWorkerExecutor(
            "stripe-java", POOL_SIZE, MAX_CALL_SECONDS, TimeUnit.SECONDS);
    this.client =
        StripeClient.builder()
            .setApiKey(config.secretKey())
            .setApiBase(config.apiBase())
            .setConnectTimeout(CONNECT_TIMEOUT_MS)
            .setReadTimeout(READ_TIMEOUT_MS)
            .setMaxNetworkRetries(NETWORK_RETRIES)
            .build();
  }

  public Future<PaymentIntent> createPaymentIntent(
      BillingPlans.Plan plan, String userId, String idempotencyKey) {
    PaymentIntentCreateParams params =
        PaymentIntentCreateParams.builder()
            .setAmount(plan.amountCents())
            .setCurrency(plan.currency())
            .putMetadata("user_id", userId)
            .putMetadata("package_id", plan.id())
            .setAutomaticPaymentMethods(
                PaymentIntentCreateParams.AutomaticPaymentMethods.builder()
                    .setEnabled(true)
                    .build())
            .build();
    return call(
        "payment_intents.create",
        () -> client.v1().paymentIntents().create(params, options(idempotencyKey)));
  }

  /** The intent as Stripe holds it now (read-only, so no idempotency key). */
  public Future<PaymentIntent> retrievePaymentIntent(String paymentIntentId) {
    return call(
        "payment_intents.retrieve", () -> client.v1().paymentIntents().retrieve(paymentIntentId));
  }

  public Future<Customer> createCustomer(String userId, String email) {
    CustomerCreateParams params =
        CustomerCreateParams.builder().setEmail(email).putMetadata("user_id", userId).build();
    // One key per user: two racing "subscribe" clicks get the same customer back.
    return call(
        "customers.create",
        () -> client.v1().customers().create(params, options("customer:" + userId)));
  }

  /**
   * An incomplete subscription whose first invoice the browser pays with the returned confirmation
   * secret ({@code latest_invoice.confirmation_secret}, the clover-era replacement of {@code
   * latest_invoice.payment_intent}).
   */
  public Future<Subscription> createSubscription(
      String customerId, String priceId, String userId, String idempotencyKey) {
    SubscriptionCreateParams params =
        SubscriptionCreateParams.builder()
            .setCustomer(customerId)
            .addItem(SubscriptionCreateParams.Item.builder().setPrice(priceId).build())
            .setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE)
            .setPaymentSettings(
                SubscriptionCreateParams.PaymentSettings.builder()
                    .setSaveDefaultPaymentMethod(
                        SubscriptionCreateParams.PaymentSettings.SaveDefaultPaymentMethod
                            .ON_SUBSCRIPTION)
                    .build())
            .putMetadata("user_id", userId)
            .addExpand("latest_invoice.confirmation_secret")
            .build();
    return call(
        "subscriptions.create",
        () -> client.v1().subscriptions().create(params, options(idempotencyKey)));
  }

  /** The subscription as Stripe holds it now, with its latest invoice's confirmation secret. */
  public Future<Subscription> retrieveSubscription(String subscriptionId) {
    SubscriptionRetrieveParams params =
        SubscriptionRetrieveParams.builder()
            .addExpand("latest_invoice.confirmation_secret")
            .build();
    return call(
        "subscriptions.retrieve",
        () -> client.v1().subscriptions().retrieve(subscriptionId, params));
  }

  public Future<Subscription> cancelAtPeriodEnd(String subscriptionId, String idempotencyKey) {
    SubscriptionUpdateParams params =
        SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build();
    return call(
        "subscriptions.update",
        () -> client.v1().subscriptions().update(subscriptionId, params, options(idempotencyKey)));
  }

  public Future<Session> portalSession(String customerId, String returnUrl, String idempotencyKey) {
    SessionCreateParams params =
        SessionCreateParams.builder().setCustomer(customerId).setReturnUrl(returnUrl).build();
    return call(
        "billing_portal.sessions.create",
        () -> client.v1().billingPortal().sessions().create(params, options(idempotencyKey)));
  }

  private static RequestOptions options(String idempotencyKey) {
    return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
  }

  /**
   * Runs the blocking call on a Stripe worker; a Stripe failure becomes a 502 problem (never the
   * key or the raw message).
   */
  private <T> Future<T> call(String operation, Callable<T> blocking) {
    return workers
        .<T>executeBlocking(blocking, false)
        .recover(failure -> Future.failedFuture(translate(operation, failure)));
  }

  private static ApiException translate(String operation, Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof StripeException stripe) {
      LOG.warn(
          "Stripe call failed {} {} {} {}",
          kv("operation", operation),
          kv("stripeCode", stripe.getCode()),
          kv("httpStatus", stripe.getStatusCode()),
          kv("stripeRequestId", stripe.getRequestId()));
      return new ApiException(
          502,
          "payment_provider_error",
          "Bad Gateway",
          "The payment provider refused or failed the request; try again.",
          null,
          null);
    }
    LOG.error("Stripe call failed unexpectedly {}", kv("operation", operation), failure);
    return Problems.internal();
  }
}
