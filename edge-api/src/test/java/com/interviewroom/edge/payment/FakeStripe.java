package com.interviewroom.edge.payment;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.LinkedHashMap;

/**
 * A Stripe API over a real socket (port 0) answering the calls InterviewRoom makes, with the object
 * shapes of API version 2025-10-29.clover: form-encoded requests with bracketed keys, Bearer secret
 * key, {@code Stripe-Version}, and {@code Idempotency-Key} honoured (same key and parameters → the
 * same object again, with {@code Idempotent-Replayed: true}; same key, other parameters → 400
 * {@code idempotency_error}). A missing required parameter is 400 {@code parameter_missing}, as at
 * Stripe. {@link #fail} and {@link #delay} make every later call fail or answer late.
 */
public final class FakeStripe implements AutoCloseable {
  public static final String SECRET_KEY = "sk_test_fake_" + UUID.randomUUID().toString().replace("-", "");
  public static final String PUBLISHABLE_KEY = "pk_test_fake_" + UUID.randomUUID().toString().replace("-", "");
  public static final String PRICE_UNLIMITED = "price_unlimited_monthly";

  /** One request as the fake saw it. */
  public record Call(String method, String path, Map<String, String> form, String idempotencyKey, String stripeVersion) {}

  /** An error Stripe answers with: HTTP status, {@code error.type}, {@code error.code} (may be null). */
  public record Fault(int status, String type, String code) {}

  private record Answered(Map<String, String> form, Buffer body) {}

  /** The parameters Stripe requires per endpoint (of the ones we call). */
  private static final Map<String, List<String>> REQUIRED = Map.of(
      "/v1/payment_intents", List.of("amount", "currency"),
      "/v1/subscriptions", List.of("customer", "items[0][price]"),
      "/v1/billing_portal/sessions", List.of("customer"));

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Answered> idempotent = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> invoices = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> intents = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile Fault fault;
  private volatile long delayMs;
  /** Delayed answers by timer id. */
  private final Map<Long, Runnable> waiting = new ConcurrentHashMap<>();

  private FakeStripe(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static FakeStripe start() {
    Vertx vertx = Vertx.vertx();
    FakeStripe[] holder = new FakeStripe[1];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> holder[0].handle(request));
    holder[0] = new FakeStripe(vertx, server);
    await(server.listen(0, "127.0.0.1"));
    return holder[0];
  }

  public String apiBase() {
    return "http://127.0.0.1:" + server.actualPort();
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
   * Every later call is answered {@code delay} late (on a timer: the fake itself never blocks) until
   * {@link #reset}, which answers the waiting ones at once.
   */
  public void delay(Duration delay) {
    this.delayMs = delay.toMillis();
  }

  /** Back to prompt, successful answers; calls still waiting out a delay are answered now. */
  public void reset() {
    fault = null;
    delayMs = 0;
    waiting.forEach((timer, answer) -> {
      if (vertx.cancelTimer(timer) && waiting.remove(timer) != null) {
        answer.run();
      }
    });
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Map<String, String> form = parseForm(body.toString(StandardCharsets.UTF_8));
      String key = request.getHeader("Idempotency-Key");
      calls.add(new Call(request.method().name(), request.path(), form, key, request.getHeader("Stripe-Version")));
      long delay = delayMs;
      if (delay > 0) {
        Context context = vertx.getOrCreateContext();
        long timer = vertx.setTimer(delay, t -> {
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
      error(request, 500, "api_error", null, null, "An unknown error occurred (" + e.getClass().getSimpleName() + ").");
    }
  }

  private void respond(HttpServerRequest request, Map<String, String> form, String key) {
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
      // worse than Stripe, which never echoes the key: proves the edge passes no provider message on
      error(request, failing.status(), failing.type(), failing.code(), null,
          "Injected failure for request authorized with " + authorization.substring("Bearer ".length()));
      return;
    }
    String replayKey = key == null ? null : request.method() + " " + request.path() + " " + key;
    Answered before = replayKey == null ? null : idempotent.get(replayKey);
    if (before != null) {
      if (!before.form().equals(form)) {
        error(request, 400, "idempotency_error", null, null, "Keys for idempotent requests can only be used with the same "
            + "parameters they were first used with. Try using a key other than '" + key + "' if you meant to execute a "
            + "different request.");
        return;
      }
      request.response().putHeader("Content-Type", "application/json").putHeader("Idempotent-Replayed", "true")
          .putHeader("Request-Id", "req_" + id()).end(before.body());
      return;
    }
    String method = request.method().name();
    for (String param : REQUIRED.getOrDefault(method.equals("POST") ? request.path() : "", List.of())) {
      if (form.get(param) == null || form.get(param).isEmpty()) {
        error(request, 400, "invalid_request_error", "parameter_missing", param, "Missing required param: " + param + ".");
        return;
      }
    }
    Map<String, String> query = parseForm(request.query() == null ? "" : request.query());
    JsonObject result = route(method, request.path(), method.equals("GET") ? query : form);
    if (result == null) {
      error(request, 404, "invalid_request_error", "resource_missing", null,
          "Unrecognized request URL (" + method + ": " + request.path() + ").");
      return;
    }
    Buffer encoded = result.toBuffer();
    if (replayKey != null) {
      // the first answer for a key wins, as at Stripe
      Answered previous = idempotent.putIfAbsent(replayKey, new Answered(form, encoded));
      encoded = previous != null ? previous.body() : encoded;
    }
    request.response().putHeader("Content-Type", "application/json").putHeader("Request-Id", "req_" + id()).end(encoded);
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
      return new JsonObject().put("id", "cus_" + id()).put("object", "customer").put("email", form.get("email"))
          .put("created", now()).put("livemode", false).put("metadata", metadata(form));
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
        sub.put("cancel_at_period_end", Boolean.parseBoolean(form.get("cancel_at_period_end")));
      }
      return sub.copy();
    }
    if (path.equals("/v1/billing_portal/sessions")) {
      String id = "bps_" + id();
      return new JsonObject().put("id", id).put("object", "billing_portal.session").put("customer", form.get("customer"))
          .put("return_url", form.get("return_url")).put("created", now()).put("livemode", false)
          .put("url", "https://billing.stripe.test/p/session/" + id);
    }
    return null;
  }

  private JsonObject paymentIntent(Map<String, String> form) {
    String id = "pi_" + id();
    JsonObject intent = new JsonObject()
        .put("id", id)
        .put("object", "payment_intent")
        .put("amount", amount(form.get("amount")))
        .put("amount_received", 0)
        .put("currency", form.get("currency"))
        .put("automatic_payment_methods", new JsonObject().put("enabled",
            Boolean.parseBoolean(form.getOrDefault("automatic_payment_methods[enabled]", "false"))))
        .put("client_secret", id + "_secret_" + UUID.randomUUID().toString().replace("-", ""))
        .put("created", now())
        .put("livemode", false)
        .put("metadata", metadata(form))
        .put("status", "requires_payment_method");
    intents.put(id, intent);
    return intent.copy();
  }

  /**
   * What Stripe.js's {@code confirmPayment} does to an intent at Stripe: {@code succeeded} (amount
   * received) or, declined, back to {@code requires_payment_method} with a {@code last_payment_error}.
   * No webhook is sent: tests deliver it when they choose (or hold it back). Returns Stripe's object.
   */
  public JsonObject confirmPaymentIntent(String id, boolean succeed) {
    JsonObject intent = intents.get(id);
    if (succeed) {
      intent.put("status", "succeeded").put("amount_received", intent.getLong("amount"));
    } else {
      intent.put("status", "requires_payment_method").put("last_payment_error", new JsonObject()
          .put("type", "card_error").put("code", "card_declined").put("decline_code", "generic_decline")
          .put("message", "Your card was declined."));
    }
    return intent.copy();
  }

  private JsonObject createSubscription(Map<String, String> form) {
    String id = "sub_" + id();
    long start = now();
    JsonObject item = new JsonObject().put("id", "si_" + id()).put("object", "subscription_item")
        .put("current_period_start", start).put("current_period_end", start + 30L * 86_400)
        .put("price", new JsonObject().put("id", form.get("items[0][price]")).put("object", "price")
            .put("unit_amount", 4999).put("currency", "usd")
            .put("recurring", new JsonObject().put("interval", "month").put("interval_count", 1)))
        .put("quantity", 1).put("subscription", id);
    String invoiceId = "in_" + id();
    JsonObject invoice = new JsonObject().put("id", invoiceId).put("object", "invoice").put("status", "open")
        .put("amount_due", 4999).put("currency", "usd").put("customer", form.get("customer"))
        .put("parent", new JsonObject().put("type", "subscription_details")
            .put("subscription_details", new JsonObject().put("subscription", id)));
    JsonObject sub = new JsonObject()
        .put("id", id)
        .put("object", "subscription")
        .put("customer", form.get("customer"))
        .put("status", "default_incomplete".equals(form.get("payment_behavior")) ? "incomplete" : "active")
        .put("cancel_at_period_end", false)
        .put("created", start)
        .put("livemode", false)
        .put("metadata", metadata(form))
        .put("items", new JsonObject().put("object", "list").put("data", new JsonArray().add(item))
            .put("has_more", false).put("url", "/v1/subscription_items?subscription=" + id))
        .put("latest_invoice", invoiceId);
    invoice.put("confirmation_secret", new JsonObject()
        .put("type", "payment_intent").put("client_secret", "pi_" + id() + "_secret_" + id()));
    invoices.put(invoiceId, invoice);
    subscriptions.put(id, sub);
    return expanded(sub, form.get("expand[0]"));
  }

  /** Stripe's own view of a subscription changes; tests move it as Stripe would (e.g. after the first payment). */
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
      throw new InvalidParameter("amount", "parameter_invalid_integer", "Invalid integer: " + value);
    }
  }

  private static JsonObject metadata(Map<String, String> form) {
    JsonObject metadata = new JsonObject();
    form.forEach((k, v) -> {
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
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(key, value);
    }
    return form;
  }

  /** Stripe's error body: {@code {error: {type, code?, param?, message, doc_url?}}} and a {@code Request-Id}. */
  private void error(HttpServerRequest request, int status, String type, String code, String param, String message) {
    JsonObject error = new JsonObject().put("type", type).put("message", message);
    if (code != null) {
      error.put("code", code).put("doc_url", "https://docs.stripe.com/error-codes/" + code.replace('_', '-'));
    }
    if (param != null) {
      error.put("param", param);
    }
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Request-Id", "req_" + id()).end(new JsonObject().put("error", error).encode());
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
    return Integer.toString(ids.incrementAndGet(), 36) + UUID.randomUUID().toString().substring(0, 8);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
