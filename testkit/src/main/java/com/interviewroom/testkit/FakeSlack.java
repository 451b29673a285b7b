package com.interviewroom.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Slack incoming webhook over a real socket, as strict as Slack's: only {@code POST} to the one
 * webhook path it issued ({@code /services/T.../B.../...}, else 404 {@code no_service}), a JSON
 * body ({@code Content-Type: application/json}, else 400 {@code invalid_payload}) with a non-empty
 * {@code text} (else 400 {@code no_text}); success is {@code 200} with the body {@code ok}. Rate
 * limited like a webhook (about one message a second, short bursts allowed): past the burst, 429
 * with {@code Retry-After} in seconds. Sources: https://api.slack.com/messaging/webhooks ("Handling
 * errors"), https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks and
 * https://api.slack.com/apis/rate-limits (checked 2026-12).
 *
 * <p>Tests can make the next answers fail ({@link #failNext}) as Slack does in an outage ({@code
 * 500 rollup_error}) or under load ({@code 429}).
 */
public final class FakeSlack implements AutoCloseable {
  public static final String PATH = "/services/T0TESTTEAM/B0TESTHOOK/abcdefghijklmnopqrstuvwx";
  private final HttpServer server;
  private final List<JsonObject> accepted = new CopyOnWriteArrayList<>();
  private final List<Integer> answers = new CopyOnWriteArrayList<>();
  private final Deque<Integer> failures = new ArrayDeque<>();
  private final Deque<Long> recent = new ArrayDeque<>();
  private final int burst;

  private FakeSlack(HttpServer server, int burst) {
    this.server = server;
    this.burst = burst;
  }

  public static FakeSlack start() throws IOException {
    return start(5);
  }

  /** {@code burst}: messages accepted in any one second before 429. */
  public static FakeSlack start(int burst) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    FakeSlack fake = new FakeSlack(server, burst);
    server.createContext("/", fake::handle);
    server.start();
    return fake;
  }

  /** The webhook URL to configure. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  /** The next {@code count} requests to the webhook are answered {@code status} (500 or 429). */
  public synchronized void failNext(int count, int status) {
    for (int i = 0; i < count; i++) {
      failures.add(status);
    }
  }

  /** The messages Slack would have posted, in order. */
  public List<JsonObject> messages() {
    return new ArrayList<>(accepted);
  }

  /** Every status answered on the webhook path, in order. */
  public List<Integer> answers() {
    return new ArrayList<>(answers);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (!PATH.equals(exchange.getRequestURI().getRawPath())) {
        reply(exchange, 404, "no_service");
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "invalid_method");
        return;
      }
      Integer injected = nextFailure();
      if (injected != null) {
        if (injected == 429) {
          exchange.getResponseHeaders().add("Retry-After", "1");
          reply(exchange, 429, "rate_limited");
        } else {
          reply(exchange, injected, "rollup_error");
        }
        return;
      }
      if (!limited()) {
        exchange.getResponseHeaders().add("Retry-After", "1");
        reply(exchange, 429, "rate_limited");
        return;
      }
      String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
      JsonObject json;
      try {
        if (!type.toLowerCase().startsWith("application/json")) {
          throw new IllegalArgumentException(type);
        }
        json = new JsonObject(new String(body, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        reply(exchange, 400, "invalid_payload");
        return;
      }
      Object text = json.getValue("text");
      if (!(text instanceof String s) || s.isBlank()) {
        reply(exchange, 400, "no_text");
        return;
      }
      accepted.add(json);
      reply(exchange, 200, "ok");
    }
  }

  private synchronized Integer nextFailure() {
    return failures.poll();
  }

  /** True when this message is within the burst of the last second. */
  private synchronized boolean limited() {
    long now = System.nanoTime();
    while (!recent.isEmpty() && now - recent.peekFirst() > 1_000_000_000L) {
      recent.pollFirst();
    }
    if (recent.size() >= burst) {
      return false;
    }
    recent.addLast(now);
    return true;
  }

  private void reply(HttpExchange exchange, int status, String text) throws IOException {
    if (exchange.getRequestURI().getRawPath().equals(PATH)) {
      answers.add(status);
    }
    byte[] out = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/html");
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
