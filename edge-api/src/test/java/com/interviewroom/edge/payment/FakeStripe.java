package com.interviewroom.edge.payment;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
 * key, {@code Stripe-Version}, and {@code Idempotency-Key} honoured (same key → the same object
 * again, with {@code Idempotent-Replayed: true}).
 */
public final class FakeStripe implements AutoCloseable {
  public static final String SECRET_KEY = "sk_test_fake_" + UUID.randomUUID().toString().replace("-", "");
  public static final String PRICE_UNLIMITED = "price_unlimited_monthly";

  /** One request as the fake saw it. */
  public record Call(String method, String path, Map<String, String> form, String idempotencyKey, String stripeVersion) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Buffer> idempotent = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> subscriptions = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

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

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Map<String, String> form = parseForm(body.toString(StandardCharsets.UTF_8));
      String key = request.getHeader("Idempotency-Key");
      calls.add(new Call(request.method().name(), request.path(), form, key, request.getHeader("Stripe-Version")));
      if (!("Bearer " + SECRET_KEY).equals(request.getHeader("Authorization"))) {
        error(request, 401, "invalid_request_error", "Invalid API Key provided.");
        return;
      }
      if (!StripeGateway.API_VERSION.equals(request.getHeader("Stripe-Version"))) {
        error(request, 400, "invalid_request_error", "Unexpected Stripe-Version.");
        return;
      }
      String replayKey = key == null ? null : request.method() + " " + request.path() + " " + key;
      if (replayKey != null && idempotent.containsKey(replayKey)) {
        request.response().putHeader("Content-Type", "application/json").putHeader("Idempotent-Replayed", "true")
            .putHeader("Request-Id", "req_" + id()).end(idempotent.get(replayKey));
        return;
      }
      JsonObject result = route(request.method().name(), request.path(), form);
      if (result == null) {
        error(request, 404, "invalid_request_error", "Unrecognized request URL (" + request.method() + ": " + request.path() + ").");
        return;
      }
      Buffer encoded = result.toBuffer();
      if (replayKey != null) {
        // the first answer for a key wins, as at Stripe
        Buffer previous = idempotent.putIfAbsent(replayKey, encoded);
        encoded = previous != null ? previous : encoded;
      }
      request.response().putHeader("Content-Type", "application/json").putHeader("Request-Id", "req_" + id()).end(encoded);
    });
  }

  private JsonObject route(String method, String path, Map<String, String> form) {
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
    return new JsonObject()
        .put("id", id)
        .put("object", "payment_intent")
        .put("amount", Long.parseLong(form.get("amount")))
        .put("amount_received", 0)
        .put("currency", form.get("currency"))
        .put("automatic_payment_methods", new JsonObject().put("enabled",
            Boolean.parseBoolean(form.getOrDefault("automatic_payment_methods[enabled]", "false"))))
        .put("client_secret", id + "_secret_" + UUID.randomUUID().toString().replace("-", ""))
        .put("created", now())
        .put("livemode", false)
        .put("metadata", metadata(form))
        .put("status", "requires_payment_method");
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
    subscriptions.put(id, sub);
    JsonObject answer = sub.copy();
    if ("latest_invoice.confirmation_secret".equals(form.get("expand[0]"))) {
      answer.put("latest_invoice", invoice.put("confirmation_secret", new JsonObject()
          .put("type", "payment_intent").put("client_secret", "pi_" + id() + "_secret_" + id())));
    }
    return answer;
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

  private static void error(HttpServerRequest request, int status, String type, String message) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("type", type).put("message", message)).encode());
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
