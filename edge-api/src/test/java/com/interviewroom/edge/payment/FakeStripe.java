package com.interviewroom.edge.payment;

import static com.interviewroom.testkit.Await.await;

import com.interviewroom.edge.billing.StripeGateway;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Stripe API over a real socket (port 0) answering the calls InterviewRoom makes, with the object
 * shapes of API version 2025-10-29.clover: form-encoded requests with bracketed keys, Bearer secret
 * key, {@code Stripe-Version}, and {@code Idempotency-Key} honoured (same key and parameters → the
 * same object again, with {@code Idempotent-Replayed: true}; same key, other parameters → 400
 * {@code idempotency_error}). A missing required parameter is 400 {@code parameter_missing}, as at
 * Stripe. {@link #fail} and {@link #delay} make every later call fail or answer late.
 *
 * <p>For browser tests it also plays the parts of Stripe a page meets: it serves the Stripe.js
 * stand-in ({@link #jsUrl}, {@link StripeJsStandIn}), confirms PaymentIntents with the publishable
 * key and a test card number as Stripe.js does, opens Customer Portal pages that link back to their
 * {@code return_url}, and sends the webhooks its state changes raise to {@link #sendWebhooksTo}
 * (signed; held back on request with {@link #holdWebhooks}).
 */
public final class FakeStripe implements AutoCloseable {
  public static final String SECRET_KEY =
      "sk_test_fake_" + UUID.randomUUID().toString().replace("-", "");
  public static final String PUBLISHABLE_KEY =
      "pk_test_fake_" + UUID.randomUUID().toString().replace("-", "");
  public static final String PRICE_UNLIMITED = "price_unlimited_monthly";

  /** One request as the fake saw it. */
  public record Call(
      String method,
      String path,
      Map<String, String> form,
      String idempotencyKey,
      String stripeVersion) {}

  /**
   * An error Stripe answers with: HTTP status, {@code error.type}, {@code error.code} (may be
   * null).
   */
  public record Fault(int status, String type, String code) {}

  private record Answered(Map<String, String> form, Buffer body) {}

  /** The parameters Stripe requires per endpoint (of the ones we call). */
  private static final Map<String, List<String>> REQUIRED =
      Map.of(
          "/v1/payment_intents", List.of("amount", "currency"),
          "/v1/subscriptions", List.of("customer", "items[0][price]"),
          "/v1/billing_portal/sessions", List.of("customer"));

  private final Vertx vertx;
  private final HttpServer server;

  /** Where the fake's Customer Portal sessions live (the real ones are on billing.stripe.com). */
  static final String PORTAL_PATH = "/p/session/";

  private static final Pattern CONFIRM =
      Pattern.compile("/v1/payment_intents/(pi_[A-Za-z0-9]+)/confirm");
  private final Map<String, JsonObject> portals = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Answered> idempotent = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> invoices = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> intents = new ConcurrentHashMap<>();

  /** The PaymentIntent of a subscription's first invoice → that invoice's id. */
  private final Map<String, String> invoiceOfIntent = new ConcurrentHashMap<>();

  private final HttpClient webhookClient;
  private volatile String webhookUrl;
  private volatile String webhookSecret;
  private volatile boolean holdingWebhooks;
  private final List<byte[]> heldWebhooks = new CopyOnWriteArrayList<>();
  private final List<String> sentEvents = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile Fault fault;
  private volatile long delayMs;

  /** Delayed answers by timer id. */
  private final Map<Long, Runnable> waiting = new ConcurrentHashMap<>();

  private FakeStripe(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
    this.webhookClient = vertx.createHttpClient();
  }

  public static FakeStripe start() {
    Vertx vertx = Vertx.vertx();
    FakeStripe[] holder = new FakeStripe[1];
    HttpServer server =
        vertx.createHttpServer().requestHandler(request -> holder[0].handle(request));
    holder[0] = new FakeStripe(vertx, server);
    await(server.listen(0, "127.0.0.1"));
    return holder[0];
  }

  public String apiBase() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * Where the test-only Stripe.js stand-in is served ({@code STRIPE_JS_URL}); see {@link
   * StripeJsStandIn}.
   */
  public String jsUrl() {
    return apiBase() + StripeJsStandIn.PREFIX;
  }

  /**
   * Like a webhook endpoint added in the Dashboard: from now on the events the fake's own state
   * changes raise (a payment confirmed through Stripe.js, a subscription paid or set to cancel) are
   * POSTed there, signed with {@code secret} as Stripe signs them. Events raised before are not
   * sent.
   */
  public void sendWebhooksTo(String url, String secret) {
    this.webhookUrl = url;
    this.webhookSecret = secret;
  }

  /** From now on events wait (in order) until {@link #releaseWebhooks}: a webhook that is late. */
  public void holdWebhooks() {
    holdingWebhooks = true;
  }

  /** Sends the held events, in order, and stops holding. Returns how many were held. */
  public int releaseWebhooks() {
    holdingWebhooks = false;
    List<byte[]> due = List.copyOf(heldWebhooks);
    heldWebhooks.removeAll(due);
    due.forEach(this::post);
    return due.size();
  }

  /** The types of the events sent so far, in order (held ones count once they are sent). */
  public List<String> sentEvents() {
    return List.copyOf(sentEvents);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  /** Every later call answers {@code fault} (after the delay, if any) until {@link #reset}. */
  public void fail(Fault fault) {
    this.fault = fault;
  }

  /**
   * Every later call is answered {@code delay} late (on a timer: the fake itself never blocks)
   * until {@link #reset}, which answers the waiting ones at once.
   */
  public void delay(Duration delay) {
    this.delayMs = delay.toMillis();
  }

  /** Back to prompt, successful answers; calls still waiting out a delay are answered now. */
  public void reset() {
    fault = null;
    delayMs = 0;
    waiting.forEach(
        (timer, answer) -> {
          if (vertx.cancelTimer(timer) && waiting.remove(timer) != null) {
            answer.run();
          }
        });
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              Map<String, String> form = parseForm(body.toString(StandardCharsets.UTF_8));
              String key = request.getHeader("Idempotency-Key");
              calls.add(
                  new Call(
                      request.method().name(),
                      request.path(),
                      form,
                      key,
                      request.getHeader("Stripe-Version")));
              long delay = delayMs;
              if (delay > 0) {
                Context context = vertx.getOrCreateContext();
                long timer =
                    vertx.setTimer(
                        delay,
                        t -> {
                          if (waiting.remove(t) != null) {
                            answer(request, form, key);
                          }
                        });
                waiting.put(timer, () -> context.runOnContext(v -> answer(request, form, key)));
              } else {
                answer(request, form, key);
              }
            });
  }

  private void answer(HttpServerRequest request, Map<String, String> form, String key) {
    try {
      respond(request, form, key);
    } catch (InvalidParameter e) {
      error(request, 400, "invalid_request_error", e.code, e.param, e.getMessage());
    } catch (RuntimeException e) {
      // never leave a request hanging: Stripe answers its own bugs with a 500 api_error
      error(
          request,
          500,
          "api_error",
          null,
          null,
          "An unknown error occurred (" + e.getClass().getSimpleName() + ").");
    }
  }

  private void respond(HttpServerRequest request, Map<String, String> form, String key) {
    if (request.method().name().equals("GET") && StripeJsStandIn.serve(request)) {
      return;
    }
    if (request.method().name().equals("GET") && request.path().startsWith(PORTAL_PATH)) {
      portalPage(request);
      return;
    }
    Matcher confirm = CONFIRM.matcher(request.path());
    if (request.method().name().equals("POST") && confirm.matches() && form.containsKey("key")) {
      confirmWithPublishableKey(request, confirm.group(1), form);
      return;
    }
    String authorization = request.getHeader("Authorization");
    if (!("Bearer " + SECRET_KEY).equals(authorization)) {
      error(request, 401, "invalid_request_error", null, null, "Invalid API Key provided.");
      return;
    }
    if (!StripeGateway.API_VERSION.equals(request.getHeader("Stripe-Version"))) {
      error(request, 400, "invalid_request_error", null, null, "Unexpected Stripe-Version.");
      return;
    }
    Fault failing = fault;
    if (failing != null) {
      // worse than Stripe, which never echoes the key: proves the edge passes no provider message
      // on
      error(
          request,
          failing.status(),
          failing.type(),
          failing.code(),
          null,
          "Injected failure for request authorized with "
              + authorization.substring("Bearer ".length()));
      return;
    }
    String replayKey = key == null ? null : request.method() + " " + request.path() + " " + key;
    Answered before = replayKey == null ? null : idempotent.get(replayKey);
    if (before != null) {
      if (!before.form().equals(form)) {
        error(
            request,
            400,
            "idempotency_error",
            null,
            null,
            "Keys for idempotent requests can only be used with the same "
                + "parameters they were first used with. Try using a key other than '"
                + key
                + "' if you meant to execute a "
                + "different request.");
        return;
      }
      request
          .response()
          .putHeader("Content-Type", "application/json")
          .putHeader("Idempotent-Replayed", "true")
          .putHeader("Request-Id", "req_" + id())
          .end(before.body());
      return;
    }
    String method = request.method().name();
    for (String param :
        REQUIRED.getOrDefault(method.equals("POST") ? request.path() : "", List.of())) {
      if (form.get(param) == null || form.get(param).isEmpty()) {
        error(
            request,
            400,
            "invalid_request_error",
            "parameter_missing",
            param,
            "Missing required param: " + param + ".");
        return;
      }
    }
    Map<String, String> query = parseForm(request.query() == null ? "" : request.query());
    JsonObject result = route(method, request.path(), method.equals("GET") ? query : form);
    if (result == null) {
      error(
          request,
          404,
          "invalid_request_error",
          "resource_missing",
          null,
          "Unrecognized request URL (" + method + ": " + request.path() + ").");
      return;
    }
    Buffer encoded = result.toBuffer();
    if (replayKey != null) {
      // the first answer for a key wins, as at Stripe
      Answered previous = idempotent.putIfAbsent(replayKey, new Answered(form, encoded));
      encoded = previous != null ? previous.body() : encoded;
    }
    request
        .response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Request-Id", "req_" + id())
        .end(encoded);
  }

  private JsonObject route(String method, String path, Map<String, String> form) {
    if (method.equals("GET") && path.startsWith("/v1/payment_intents/")) {
      JsonObject intent = intents.get(path.substring("/v1/payment_intents/".length()));
      return intent == null ? null : intent.copy();
    }
    if (method.equals("GET") && path.startsWith("/v1/subscriptions/")) {
      JsonObject sub = subscriptions.get(path.substring("/v1/subscriptions/".length()));
      return sub == null ? null : expanded(sub, form.get("expand[0]"));
    }
    if (!method.equals("POST")) {
      return null;
    }
    if (path.equals("/v1/payment_intents")) {
      return paymentIntent(form);
    }
    if (path.equals("/v1/customers")) {
      return new JsonObject()
          .put("id", "cus_" + id())
          .put("object", "customer")
          .put("email", form.get("email"))
          .put("created", now())
          .put("livemode", false)
          .put("metadata", metadata(form));
    }
    if (path.equals("/v1/subscriptions")) {
      return createSubscription(form);
    }
    if (path.startsWith("/v1/subscriptions/")) {
      JsonObject sub = subscriptions.get(path.substring("/v1/subscriptions/".length()));
      if (sub == null) {
        return null;
      }
      if (form.containsKey("cancel_at_period_end")) {
        boolean cancel = Boolean.parseBoolean(form.get("cancel_at_period_end"));
        boolean changed = sub.getBoolean("cancel_at_period_end") != cancel;
        sub.put("cancel_at_period_end", cancel);
        if (changed) {
          emit("customer.subscription.updated", expanded(sub, null));
        }
      }
      return sub.copy();
    }
    if (path.equals("/v1/billing_portal/sessions")) {
      String id = "bps_" + id();
      JsonObject session =
          new JsonObject()
              .put("id", id)
              .put("object", "billing_portal.session")
              .put("customer", form.get("customer"))
              .put("return_url", form.get("return_url"))
              .put("created", now())
              .put("livemode", false)
              .put("url", apiBase() + PORTAL_PATH + id);
      portals.put(id, session);
      return session.copy();
    }
    return null;
  }

  private JsonObject paymentIntent(Map<String, String> form) {
    JsonObject intent = newIntent(amount(form.get("amount")), form.get("currency"), metadata(form));
    intent.put(
        "automatic_payment_methods",
        new JsonObject()
            .put(
                "enabled",
                Boolean.parseBoolean(
                    form.getOrDefault("automatic_payment_methods[enabled]", "false"))));
    return intent.copy();
  }

  private JsonObject newIntent(long amount, String currency, JsonObject metadata) {
    String id = "pi_" + id();
    JsonObject intent =
        new JsonObject()
            .put("id", id)
            .put("object", "payment_intent")
            .put("amount", amount)
            .put("amount_received", 0)
            .put("currency", currency)
            .put("client_secret", id + "_secret_" + UUID.randomUUID().toString().replace("-", ""))
            .put("created", now())
            .put("livemode", false)
            .put("metadata", metadata)
            .put("status", "requires_payment_method");
    intents.put(id, intent);
    return intent;
  }

  /**
   * What Stripe.js's {@code confirmPayment} does to an intent at Stripe: {@code succeeded} (amount
   * received) or, declined, back to {@code requires_payment_method} with a {@code
   * last_payment_error}. No webhook is sent: tests deliver it when they choose (or hold it back).
   * Returns Stripe's object.
   */
  public JsonObject confirmPaymentIntent(String id, boolean succeed) {
    JsonObject intent = intents.get(id);
    if (succeed) {
      intent.put("status", "succeeded").put("amount_received", intent.getLong("amount"));
    } else {
      intent
          .put("status", "requires_payment_method")
          .put(
              "last_payment_error",
              new JsonObject()
                  .put("type", "card_error")
                  .put("code", "card_declined")
                  .put("decline_code", "generic_decline")
                  .put("message", "Your card was declined."));
    }
    return intent.copy();
  }

  private JsonObject createSubscription(Map<String, String> form) {
    String id = "sub_" + id();
    long start = now();
    JsonObject item =
        new JsonObject()
            .put("id", "si_" + id())
            .put("object", "subscription_item")
            .put("current_period_start", start)
            .put("current_period_end", start + 30L * 86_400)
            .put(
                "price",
                new JsonObject()
                    .put("id", form.get("items[0][price]"))
                    .put("object", "price")
                    .put("unit_amount", 4999)
                    .put("currency", "usd")
                    .put(
                        "recurring",
                        new JsonObject().put("interval", "month").put("interval_count", 1)))
            .put("quantity", 1)
            .put("subscription", id);
    String invoiceId = "in_" + id();
    JsonObject invoice =
        new JsonObject()
            .put("id", invoiceId)
            .put("object", "invoice")
            .put("status", "open")
            .put("amount_due", 4999)
            .put("currency", "usd")
            .put("customer", form.get("customer"))
            .put(
                "parent",
                new JsonObject()
                    .put("type", "subscription_details")
                    .put("subscription_details", new JsonObject().put("subscription", id)))
            .put(
                "lines",
                new JsonObject()
                    .put("object", "list")
                    .put("has_more", false)
                    .put(
                        "data",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("object", "line_item")
                                    .put(
                                        "period",
                                        new JsonObject()
                                            .put("start", start)
                                            .put("end", start + 30L * 86_400)))));
    JsonObject sub =
        new JsonObject()
            .put("id", id)
            .put("object", "subscription")
            .put("customer", form.get("customer"))
            .put(
                "status",
                "default_incomplete".equals(form.get("payment_behavior")) ? "incomplete" : "active")
            .put("cancel_at_period_end", false)
            .put("created", start)
            .put("livemode", false)
            .put("metadata", metadata(form))
            .put(
                "items",
                new JsonObject()
                    .put("object", "list")
                    .put("data", new JsonArray().add(item))
                    .put("has_more", false)
                    .put("url", "/v1/subscription_items?subscription=" + id))
            .put("latest_invoice", invoiceId);
    // the invoice's own PaymentIntent: Stripe.js confirms it with the confirmation secret
    JsonObject firstPayment = newIntent(4999, "usd", new JsonObject());
    invoiceOfIntent.put(firstPayment.getString("id"), invoiceId);
    invoice.put(
        "confirmation_secret",
        new JsonObject()
            .put("type", "payment_intent")
            .put("client_secret", firstPayment.getString("client_secret")));
    invoices.put(invoiceId, invoice);
    subscriptions.put(id, sub);
    return expanded(sub, form.get("expand[0]"));
  }

  /**
   * {@code POST /v1/payment_intents/{id}/confirm} as Stripe.js sends it from the Payment Element's
   * frame: the publishable key ({@code key}) and the intent's {@code client_secret} in the form, no
   * secret key, the card in {@code payment_method_data[card][...]}. Stripe's test cards decide
   * (docs.stripe.com/testing): 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined
   * ({@code generic_decline}), 4000 0000 0000 9995 too ({@code insufficient_funds}); any other
   * number is declined as a live card used in test mode. A decline is HTTP 402 with a {@code
   * card_error} that carries the intent, now {@code requires_payment_method} again with its {@code
   * last_payment_error}. A success raises {@code payment_intent.succeeded} and, for a
   * subscription's first invoice, {@code invoice.paid} and {@code customer.subscription.updated}
   * (now {@code active}); a decline raises {@code payment_intent.payment_failed}.
   */
  private void confirmWithPublishableKey(
      HttpServerRequest request, String id, Map<String, String> form) {
    if (!PUBLISHABLE_KEY.equals(form.get("key"))) {
      error(request, 401, "invalid_request_error", null, null, "Invalid API Key provided.");
      return;
    }
    JsonObject intent = intents.get(id);
    if (intent == null || !intent.getString("client_secret").equals(form.get("client_secret"))) {
      // a publishable key cannot tell a wrong client secret from a missing intent, as at Stripe
      error(
          request,
          404,
          "invalid_request_error",
          "resource_missing",
          "intent",
          "No such payment_intent: '" + id + "'");
      return;
    }
    String status = intent.getString("status");
    if (!"requires_payment_method".equals(status) && !"requires_confirmation".equals(status)) {
      JsonObject error =
          errorBody(
                  "invalid_request_error",
                  "payment_intent_unexpected_state",
                  null,
                  "You cannot confirm this PaymentIntent because it has a status of "
                      + status
                      + ".")
              .put("payment_intent", intent.copy());
      json(request, 400, new JsonObject().put("error", error));
      return;
    }
    for (String param :
        List.of(
            "payment_method_data[type]",
            "payment_method_data[card][number]",
            "payment_method_data[card][exp_month]",
            "payment_method_data[card][exp_year]",
            "payment_method_data[card][cvc]")) {
      if (form.get(param) == null || form.get(param).isEmpty()) {
        error(
            request,
            400,
            "invalid_request_error",
            "parameter_missing",
            param,
            "Missing required param: " + param + ".");
        return;
      }
    }
    String number = form.get("payment_method_data[card][number]").replace(" ", "");
    String decline =
        switch (number) {
          case "4242424242424242" -> null;
          case "4000000000000002" -> "generic_decline";
          case "4000000000009995" -> "insufficient_funds";
          default -> "test_mode_live_card";
        };
    String charge = "ch_" + id();
    JsonObject paymentMethod =
        new JsonObject()
            .put("id", "pm_" + id())
            .put("object", "payment_method")
            .put("type", "card")
            .put(
                "card",
                new JsonObject()
                    .put("brand", "visa")
                    .put("last4", number.substring(Math.max(0, number.length() - 4)))
                    .put(
                        "exp_month",
                        Integer.parseInt(form.get("payment_method_data[card][exp_month]")))
                    .put(
                        "exp_year",
                        Integer.parseInt(form.get("payment_method_data[card][exp_year]"))));
    if (decline != null) {
      String message =
          switch (decline) {
            case "insufficient_funds" -> "Your card has insufficient funds.";
            case "test_mode_live_card" ->
                "Your card was declined. Your request was in test mode, but used a non test (live) card. "
                    + "For a list of valid test cards, visit: https://stripe.com/docs/testing.";
            default -> "Your card was declined.";
          };
      JsonObject lastError =
          errorBody("card_error", "card_declined", null, message)
              .put("decline_code", decline)
              .put("charge", charge);
      intent
          .put("status", "requires_payment_method")
          .put("last_payment_error", lastError.copy().put("payment_method", paymentMethod));
      JsonObject error =
          lastError
              .copy()
              .put("payment_intent", intent.copy())
              .put("payment_method", paymentMethod);
      emit("payment_intent.payment_failed", intent.copy());
      json(request, 402, new JsonObject().put("error", error));
      return;
    }
    intent
        .put("status", "succeeded")
        .put("amount_received", intent.getLong("amount"))
        .put("latest_charge", charge)
        .put("payment_method", paymentMethod.getString("id"))
        .putNull("last_payment_error");
    json(request, 200, intent.copy());
    emit("payment_intent.succeeded", intent.copy());
    String invoiceId = invoiceOfIntent.get(id);
    if (invoiceId != null) {
      JsonObject invoice =
          invoices
              .get(invoiceId)
              .put("status", "paid")
              .put("amount_paid", intent.getLong("amount"));
      JsonObject sub =
          subscriptions.get(
              invoice
                  .getJsonObject("parent")
                  .getJsonObject("subscription_details")
                  .getString("subscription"));
      sub.put("status", "active");
      emit("invoice.paid", invoice.copy());
      emit("customer.subscription.updated", expanded(sub, null));
    }
  }

  private void emit(String type, JsonObject object) {
    if (webhookUrl == null) {
      return;
    }
    byte[] body = StripeDeliveries.event(type, object, now());
    if (holdingWebhooks) {
      heldWebhooks.add(body);
    } else {
      post(body);
    }
  }

  /** One delivery, signed at sending time as Stripe signs each attempt. */
  private void post(byte[] body) {
    String type = new JsonObject(Buffer.buffer(body)).getString("type");
    String signature = StripeDeliveries.signature(webhookSecret, now(), body);
    webhookClient
        .request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(webhookUrl))
        .compose(
            request ->
                request
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .putHeader("Stripe-Signature", signature)
                    .putHeader("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                    .send(Buffer.buffer(body)))
        .onSuccess(
            response -> {
              if (response.statusCode() / 100 == 2) {
                sentEvents.add(type);
              }
            });
  }

  /**
   * The Customer Portal a session URL opens: here a page with the one thing our tests need from it,
   * the way back to the session's {@code return_url}.
   */
  private void portalPage(HttpServerRequest request) {
    JsonObject session = portals.get(request.path().substring(PORTAL_PATH.length()));
    if (session == null) {
      request
          .response()
          .setStatusCode(404)
          .putHeader("Content-Type", "text/plain")
          .end("No such session.");
      return;
    }
    String back = escape(session.getString("return_url"));
    request
        .response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", "default-src 'none'; img-src data:")
        .end(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Billing portal (test)</title><link rel=\"icon\" href=\"data:,\"></head><body>"
                + "<h1>Manage your billing</h1><p>Customer "
                + escape(session.getString("customer"))
                + "</p>"
                + "<a id=\"return\" href=\""
                + back
                + "\">Return to InterviewRoom</a></body></html>");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private void json(HttpServerRequest request, int status, JsonObject body) {
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Request-Id", "req_" + id())
        .end(body.encode());
  }

  private static JsonObject errorBody(String type, String code, String param, String message) {
    JsonObject error = new JsonObject().put("type", type).put("message", message);
    if (code != null) {
      error
          .put("code", code)
          .put("doc_url", "https://docs.stripe.com/error-codes/" + code.replace('_', '-'));
    }
    if (param != null) {
      error.put("param", param);
    }
    return error;
  }

  /**
   * The intent's status at Stripe, e.g. {@code succeeded} once a browser confirmed it with a good
   * card.
   */
  public String intentStatus(String id) {
    JsonObject intent = intents.get(id);
    return intent == null ? null : intent.getString("status");
  }

  /**
   * Stripe's own view of a subscription changes; tests move it as Stripe would (e.g. after the
   * first payment).
   */
  public void setSubscriptionStatus(String subscriptionId, String status) {
    subscriptions.get(subscriptionId).put("status", status);
  }

  private JsonObject expanded(JsonObject sub, String expand) {
    JsonObject answer = sub.copy();
    if ("latest_invoice.confirmation_secret".equals(expand)) {
      answer.put("latest_invoice", invoices.get(sub.getString("latest_invoice")).copy());
    } else {
      answer.put("latest_invoice", sub.getString("latest_invoice"));
    }
    return answer;
  }

  /** A non-integer amount is Stripe's 400 {@code parameter_invalid_integer}. */
  private static long amount(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new InvalidParameter(
          "amount", "parameter_invalid_integer", "Invalid integer: " + value);
    }
  }

  private static JsonObject metadata(Map<String, String> form) {
    JsonObject metadata = new JsonObject();
    form.forEach(
        (k, v) -> {
          if (k.startsWith("metadata[") && k.endsWith("]")) {
            metadata.put(k.substring(9, k.length() - 1), v);
          }
        });
    return metadata;
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(key, value);
    }
    return form;
  }

  /**
   * Stripe's error body: {@code {error: {type, code?, param?, message, doc_url?}}} and a {@code
   * Request-Id}.
   */
  private void error(
      HttpServerRequest request,
      int status,
      String type,
      String code,
      String param,
      String message) {
    json(request, status, new JsonObject().put("error", errorBody(type, code, param, message)));
  }

  private static final class InvalidParameter extends RuntimeException {
    final String param;
    final String code;

    InvalidParameter(String param, String code, String message) {
      super(message);
      this.param = param;
      this.code = code;
    }
  }

  private String id() {
    return Integer.toString(ids.incrementAndGet(), 36)
        + UUID.randomUUID().toString().substring(0, 8);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
