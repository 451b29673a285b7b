package com.interviewroom.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.ProblemHandler;
import com.interviewroom.common.http.Problems;
import com.interviewroom.common.http.RequestIds;
import com.sun.net.httpserver.HttpServer;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.protocol.Request;
import io.sentry.protocol.User;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Sentry's Java SDK against a local fake of the envelope endpoint ({@code POST
 * /api/<project>/envelope/}) over a real socket: the DSN points at 127.0.0.1, and the test reads
 * what would reach Sentry.
 */
class ErrorReportsTest {
  private static final String JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";
  private static final String STRIPE_KEY = "sk_live_51AbCdEfGhIjKlMnOp";
  private static final String CODE = "def two_sum(nums): return secret_solution";
  private static final UUID USER = UUID.fromString("11111111-2222-3333-4444-555555555555");

  private static HttpServer fake;
  private static final LinkedBlockingQueue<String> envelopes = new LinkedBlockingQueue<>();
  private static Vertx vertx;
  private static WebClient client;
  private static int appPort;

  @BeforeAll
  static void start() throws Exception {
    fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext(
        "/api/42/envelope/",
        exchange -> {
          byte[] raw = exchange.getRequestBody().readAllBytes();
          boolean gzip =
              "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
          try (InputStream in =
              gzip
                  ? new GZIPInputStream(new ByteArrayInputStream(raw))
                  : new ByteArrayInputStream(raw)) {
            envelopes.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, ok.length);
          exchange.getResponseBody().write(ok);
          exchange.close();
        });
    fake.start();
    ErrorReports.init(
        new Config.ErrorTracking(
            "http://publickey@127.0.0.1:" + fake.getAddress().getPort() + "/42",
            1.0,
            "test",
            "rel-1"),
        "edge");

    vertx = Observability.vertx(Observability.newRegistry());
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router
        .route("/api/sessions/:id/*")
        .handler(
            ctx -> {
              ctx.put("someAuthKey", new AuthUser(USER, "candidate@example.com", "local"));
              ctx.next();
            });
    router
        .post("/api/sessions/:id/boom")
        .handler(
            ctx -> {
              throw new IllegalStateException(
                  "upstream refused Authorization: Bearer "
                      + JWT
                      + " with key "
                      + STRIPE_KEY
                      + " while saving {\"code\":\""
                      + CODE
                      + "\"}");
            });
    router
        .post("/api/sessions/:id/forbidden")
        .handler(ctx -> ctx.fail(Problems.forbidden("Not yours.")));
    router.route().failureHandler(new ProblemHandler());
    appPort =
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    ErrorReports.close();
    fake.stop(0);
    vertx.close().await();
  }

  private static int post(String path, String requestId) {
    return client
        .request(HttpMethod.POST, appPort, "127.0.0.1", path)
        .putHeader("Authorization", "Bearer " + JWT)
        .putHeader("Cookie", "ir_refresh=refresh-secret")
        .putHeader(RequestIds.HEADER, requestId)
        .sendBuffer(io.vertx.core.buffer.Buffer.buffer("{\"code\":\"" + CODE + "\"}"))
        .await()
        .statusCode();
  }

  /** The event items of envelopes received until one mentions {@code marker} (10 s at most). */
  private static List<JsonObject> eventsUntil(String marker) throws Exception {
    List<JsonObject> events = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Sentry.flush(1000);
      String envelope = envelopes.poll(200, TimeUnit.MILLISECONDS);
      if (envelope == null) {
        continue;
      }
      String[] lines = envelope.split("\n");
      for (int i = 1; i + 1 < lines.length; i += 2) {
        if ("event".equals(new JsonObject(lines[i]).getString("type"))) {
          events.add(new JsonObject(lines[i + 1]));
        }
      }
      if (envelope.contains(marker)) {
        return events;
      }
    }
    throw new AssertionError(
        "no envelope mentioning " + marker + " reached the fake Sentry; got " + events);
  }

  @Test
  @DisplayName(
      "an induced 500 reaches Sentry with sessionId, userId and requestId and nothing secret; a 403 before it does not")
  void serverErrorIsReportedClientErrorIsNot() throws Exception {
    UUID session = UUID.randomUUID();
    assertThat(post("/api/sessions/" + session + "/forbidden", "req-forbidden-1")).isEqualTo(403);
    assertThat(post("/api/sessions/" + session + "/boom", "req-boom-1")).isEqualTo(500);

    List<JsonObject> events = eventsUntil("req-boom-1");
    assertThat(events).as("only the 500 was sent, not the 403").hasSize(1);
    JsonObject event = events.getFirst();
    assertThat(event.getJsonObject("tags").getMap())
        .containsEntry("sessionId", session.toString())
        .containsEntry("userId", USER.toString())
        .containsEntry("requestId", "req-boom-1")
        .containsEntry("role", "edge");
    assertThat(event.getJsonObject("user").getMap())
        .containsOnlyKeys("id")
        .containsEntry("id", USER.toString());
    assertThat(event.getString("environment")).isEqualTo("test");
    assertThat(event.getString("release")).isEqualTo("rel-1");
    assertThat(event.encode())
        .contains("IllegalStateException")
        .contains("upstream refused")
        .doesNotContain(JWT)
        .doesNotContain("eyJ")
        .doesNotContain(STRIPE_KEY)
        .doesNotContain(CODE)
        .doesNotContain("refresh-secret")
        .doesNotContain("candidate@example.com")
        .doesNotContain("\"request\"");
  }

  @Test
  @DisplayName(
      "an exception no handler caught on an event loop reaches Sentry through Vert.x's exception handler")
  void unhandledEventLoopExceptionIsReported() throws Exception {
    vertx.runOnContext(
        v -> {
          throw new IllegalArgumentException("loop-bug-marker");
        });
    List<JsonObject> events = eventsUntil("loop-bug-marker");
    assertThat(events.getLast().encode()).contains("IllegalArgumentException");
  }

  @Test
  @DisplayName(
      "client disconnects, 4xx problems and auth refusals are expected; bugs and outages are not")
  void expectedFailures() {
    assertThat(ErrorReports.expected(Problems.unauthorized("no"))).isTrue();
    assertThat(ErrorReports.expected(Problems.forbidden("no"))).isTrue();
    assertThat(ErrorReports.expected(new io.vertx.core.http.HttpClosedException("closed")))
        .isTrue();
    assertThat(
            ErrorReports.expected(
                new RuntimeException(new java.io.IOException("Connection reset by peer"))))
        .isTrue();
    assertThat(ErrorReports.expected(new IllegalStateException("bug"))).isFalse();
    assertThat(ErrorReports.expected(Problems.internal())).isFalse();
  }

  @Test
  @DisplayName(
      "beforeSend drops expected failures and strips request data, extras, breadcrumbs, user details and secrets")
  void beforeSendScrubs() {
    assertThat(
            ErrorReports.beforeSend(
                new SentryEvent(Problems.forbidden("no")), new io.sentry.Hint()))
        .isNull();

    SentryEvent event =
        new SentryEvent(
            new IllegalStateException(
                "token=abc.def password: hunter2 transcript=\"I think we...\""));
    Request request = new Request();
    request.setHeaders(Map.of("Authorization", "Bearer " + JWT));
    event.setRequest(request);
    event.setExtra("body", CODE);
    event.setTag("email", "candidate@example.com");
    event.setTag("sessionId", "s-1");
    User user = new User();
    user.setId("u-1");
    user.setEmail("candidate@example.com");
    user.setIpAddress("203.0.113.9");
    event.setUser(user);
    io.sentry.protocol.SentryException exception = new io.sentry.protocol.SentryException();
    exception.setValue(
        "token=abc.def password: hunter2 transcript=\"I think we...\" " + "x".repeat(500));
    event.setExceptions(List.of(exception));

    SentryEvent sent = ErrorReports.beforeSend(event, new io.sentry.Hint());
    assertThat(sent.getRequest()).isNull();
    assertThat(sent.getExtras()).isNullOrEmpty();
    assertThat(sent.getTags()).containsOnlyKeys("sessionId");
    assertThat(sent.getUser().getId()).isEqualTo("u-1");
    assertThat(sent.getUser().getEmail()).isNull();
    assertThat(sent.getUser().getIpAddress()).isNull();
    String value = sent.getExceptions().getFirst().getValue();
    assertThat(value)
        .doesNotContain("abc.def")
        .doesNotContain("hunter2")
        .doesNotContain("I think we")
        .contains("token=[redacted]")
        .hasSizeLessThanOrEqualTo(ErrorReports.MAX_MESSAGE + 1);
  }
}
