package com.interviewroom.launcher.faults;

import com.interviewroom.common.crypto.Hmac;
import com.interviewroom.launcher.embedded.FreePort;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Write load through the public API: signed Stripe deliveries, each a new event id that the edge
 * records in {@code stripe_events} before answering 200. Remembers every id answered 200 (an
 * acknowledged write) and counts every status seen.
 */
public final class WebhookLoad implements AutoCloseable {
  public static final String WEBHOOK_SECRET = "whsec_fault_test_secret";

  /**
   * The embedded default as an edge on {@code port} that takes these deliveries (Stripe configured
   * with {@link #WEBHOOK_SECRET}): the environment the fault tests start, a mutable map for their
   * own settings.
   */
  public static Map<String, String> edgeEnv(Path dataDir, int port) {
    return new HashMap<>(
        Map.of(
            "ROLE",
            "edge",
            "DATA_DIR",
            dataDir.toString(),
            "PORT",
            String.valueOf(port),
            "INTERNAL_PORT",
            String.valueOf(FreePort.find()),
            "STRIPE_SECRET_KEY",
            "sk_test_fault",
            "STRIPE_WEBHOOK_SECRET",
            WEBHOOK_SECRET));
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI uri;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
  private final List<Long> slowestMillis = new CopyOnWriteArrayList<>();
  private final List<Thread> threads;
  private final List<String> retryAfter = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger unavailableWithoutRetryAfter =
      new java.util.concurrent.atomic.AtomicInteger();

  public WebhookLoad(int port, int callers) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/api/payments/webhook");
    this.threads =
        java.util.stream.IntStream.range(0, callers)
            .mapToObj(i -> Thread.ofPlatform().daemon().name("webhook-load-" + i).start(this::loop))
            .toList();
  }

  private void loop() {
    while (running.get()) {
      String id = "evt_fault_" + UUID.randomUUID().toString().replace("-", "");
      long started = System.nanoTime();
      int status;
      try {
        HttpResponse<String> response =
            http.send(request(id), HttpResponse.BodyHandlers.ofString());
        status = response.statusCode();
        if (status == 200) {
          acknowledged.add(id);
        }
        java.util.Optional<String> retry = response.headers().firstValue("Retry-After");
        retry.ifPresent(retryAfter::add);
        if (status == 503 && retry.isEmpty()) {
          unavailableWithoutRetryAfter.incrementAndGet();
        }
      } catch (Exception e) {
        status = -1;
      }
      statuses.merge(status, 1, Integer::sum);
      slowestMillis.add((System.nanoTime() - started) / 1_000_000);
      if (status != 200) {
        sleep(20);
      }
    }
  }

  private HttpRequest request(String id) {
    String body =
        new JsonObject()
            .put("id", id)
            .put("type", "customer.created")
            .put("created", System.currentTimeMillis() / 1000)
            .put("data", new JsonObject().put("object", new JsonObject().put("id", "cus_fault")))
            .encode();
    long t = System.currentTimeMillis() / 1000;
    String signature =
        Hmac.sha256Hex(WEBHOOK_SECRET, t + ".", body.getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", "t=" + t + ",v1=" + signature)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** The ids answered 200 so far. */
  public Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** How often each status was answered (-1: no answer, connection error or client timeout). */
  public Map<Integer, Integer> statuses() {
    return Map.copyOf(statuses);
  }

  public int count(int status) {
    return statuses.getOrDefault(status, 0);
  }

  /** 503 answers that carried no Retry-After. */
  public int unavailableWithoutRetryAfter() {
    return unavailableWithoutRetryAfter.get();
  }

  public List<String> retryAfterValues() {
    return List.copyOf(retryAfter);
  }

  /** The longest time one call took, in milliseconds. */
  public long slowestMillis() {
    return slowestMillis.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  public void resetCounts() {
    statuses.clear();
    slowestMillis.clear();
    retryAfter.clear();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(35_000);
    }
  }
}
