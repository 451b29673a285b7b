package com.interviewroom.testkit;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A local Sentry envelope endpoint ({@code POST /api/<project>/envelope/}, the path the Java SDK
 * posts to for a DSN {@code http://key@host:port/<project>}) over a real socket: tests point {@code
 * SENTRY_DSN} at {@link #dsn()} and read what would have reached Sentry. Envelopes are
 * newline-separated: a header line, then item header and payload lines.
 */
public final class FakeSentry implements AutoCloseable {
  private static final String PROJECT = "42";
  private final HttpServer server;
  private final LinkedBlockingQueue<String> envelopes = new LinkedBlockingQueue<>();

  private FakeSentry(HttpServer server) {
    this.server = server;
  }

  public static FakeSentry start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    FakeSentry fake = new FakeSentry(server);
    server.createContext(
        "/api/" + PROJECT + "/envelope/",
        exchange -> {
          byte[] raw = exchange.getRequestBody().readAllBytes();
          boolean gzip =
              "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
          boolean authed =
              String.valueOf(exchange.getRequestHeaders().getFirst("X-Sentry-Auth"))
                  .contains("sentry_key=publickey");
          if (!"POST".equals(exchange.getRequestMethod()) || !authed) {
            exchange.sendResponseHeaders(
                401, -1); // what Sentry answers an envelope without the DSN's key
            exchange.close();
            return;
          }
          try (InputStream in =
              gzip
                  ? new GZIPInputStream(new ByteArrayInputStream(raw))
                  : new ByteArrayInputStream(raw)) {
            fake.envelopes.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, ok.length);
          exchange.getResponseBody().write(ok);
          exchange.close();
        });
    server.start();
    return fake;
  }

  /** The DSN to configure: public key {@code publickey}, project 42. */
  public String dsn() {
    return "http://publickey@127.0.0.1:" + server.getAddress().getPort() + "/" + PROJECT;
  }

  /**
   * The event items of envelopes received until one mentions {@code marker}, at most 10 s; {@code
   * flush} is called between polls (the SDK sends from a background queue).
   */
  public List<JsonObject> eventsUntil(String marker, Runnable flush) throws InterruptedException {
    List<JsonObject> events = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      flush.run();
      String envelope = envelopes.poll(200, TimeUnit.MILLISECONDS);
      if (envelope == null) {
        continue;
      }
      events.addAll(events(envelope));
      if (envelope.contains(marker)) {
        return events;
      }
    }
    throw new AssertionError(
        "no envelope mentioning " + marker + " reached the fake Sentry; got " + events);
  }

  /** Every raw envelope received so far (emptied by the call). */
  public List<String> drain() {
    List<String> all = new ArrayList<>();
    envelopes.drainTo(all);
    return all;
  }

  static List<JsonObject> events(String envelope) {
    List<JsonObject> events = new ArrayList<>();
    String[] lines = envelope.split("\n");
    for (int i = 1; i + 1 < lines.length; i += 2) {
      if ("event".equals(new JsonObject(lines[i]).getString("type"))) {
        events.add(new JsonObject(lines[i + 1]));
      }
    }
    return events;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
