package com.interviewroom.edge.clienterror;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.openapi.OpenApiContract;
import com.interviewroom.testkit.FakeSentry;
import io.sentry.Sentry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code POST /api/client-errors} over the real edge, forwarded through the Sentry SDK to a local
 * fake of the envelope endpoint: what arrives is tagged {@code source=web}, has its frames, and
 * carries none of the tokens, query strings or addresses the browser's report held.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientErrorsTest {
  private static final String JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";
  private static final String REFRESH = "rt_9f8e7d6c5b4a39281716";
  private static final String EMAIL = "candidate.name@example.com";
  private static FakeSentry sentry;
  private static EdgeServer server;

  @BeforeAll
  static void start() throws Exception {
    sentry = FakeSentry.start();
    ErrorReports.init(new Config.ErrorTracking(sentry.dsn(), 1.0, "test", "rel-web"), "edge");
    server = EdgeServer.start(Map.of("CLIENT_ERRORS_PER_IP_PER_MINUTE", "6"));
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      ErrorReports.close();
      sentry.close();
    }
  }

  private static HttpResponse<Buffer> report(Object body) {
    var request =
        server.client.post("/api/client-errors").putHeader("Content-Type", "application/json");
    HttpResponse<Buffer> response =
        await(
            body instanceof JsonObject json
                ? request.sendJsonObject(json)
                : request.sendBuffer((Buffer) body));
    OpenApiContract.assertResponseMatches("POST", "/api/client-errors", response);
    return response;
  }

  @Test
  @Order(1)
  @DisplayName(
      "a thrown error in the page reaches Sentry tagged source=web with its frames, and no token, query string or address")
  void reportReachesSentryScrubbed() throws Exception {
    String marker = "marker" + UUID.randomUUID().toString().replace("-", "");
    JsonObject body =
        new JsonObject()
            .put("kind", "error")
            .put("name", "TypeError")
            .put(
                "message",
                "Cannot read properties of undefined (reading 'x') "
                    + marker
                    + " at https://app.example/interview?session="
                    + "s3cr3t-session&token="
                    + JWT
                    + " for "
                    + EMAIL)
            .put(
                "stack",
                "TypeError: boom\n    at startInterview (https://app.example/app/interview.js?v="
                    + REFRESH
                    + ":12:7)\n"
                    + "    at https://app.example/app/main.js#access_token="
                    + JWT
                    + ":3:1\n"
                    + "onMessage@https://app.example/app/socket.js?token=abc:40:2")
            .put("page", "/interview?sessionId=7d1c&refresh=" + REFRESH);
    assertThat(report(body).statusCode()).isEqualTo(202);

    List<JsonObject> events = sentry.eventsUntil(marker, () -> Sentry.flush(1000));
    JsonObject event = events.getLast();
    assertThat(event.getJsonObject("tags").getMap())
        .containsEntry("source", "web")
        .containsEntry("role", "edge");
    JsonObject exception = event.getJsonObject("exception").getJsonArray("values").getJsonObject(0);
    assertThat(exception.getString("type")).isEqualTo("TypeError");
    JsonArray frames = exception.getJsonObject("stacktrace").getJsonArray("frames");
    assertThat(frames).hasSize(3);
    JsonObject innermost = frames.getJsonObject(2);
    assertThat(innermost.getString("function")).isEqualTo("startInterview");
    assertThat(innermost.getString("filename")).isEqualTo("https://app.example/app/interview.js");
    assertThat(innermost.getInteger("lineno")).isEqualTo(12);
    assertThat(innermost.getInteger("colno")).isEqualTo(7);
    assertThat(frames.getJsonObject(0).getString("filename"))
        .isEqualTo("https://app.example/app/socket.js");
    assertThat(event.getString("transaction")).isEqualTo("/interview");
    assertThat(event.encode())
        .contains("Cannot read properties of undefined")
        .contains("https://app.example/interview")
        .doesNotContain(JWT)
        .doesNotContain("eyJ")
        .doesNotContain(REFRESH)
        .doesNotContain("s3cr3t-session")
        .doesNotContain(EMAIL)
        .doesNotContain("token=abc")
        .doesNotContain("7d1c")
        .doesNotContain("\"request\"");
  }

  @Test
  @Order(2)
  @DisplayName("a body over 8 KiB is 413, a wrong field 400, and neither reaches Sentry")
  void badReportsAreRefused() throws Exception {
    Sentry.flush(2000);
    sentry.drain(); // whatever an earlier test left
    String big = "x".repeat(ClientErrorRoutes.BODY_LIMIT_BYTES);
    assertThat(
            report(
                    Buffer.buffer(
                        new JsonObject().put("kind", "error").put("message", big).encode()))
                .statusCode())
        .isEqualTo(413);
    assertThat(
            report(new JsonObject().put("kind", "error").put("message", "m").put("cookie", "a=b"))
                .statusCode())
        .isEqualTo(400);
    assertThat(report(new JsonObject().put("kind", "warning").put("message", "m")).statusCode())
        .isEqualTo(400);
    Sentry.flush(2000);
    Thread.sleep(300);
    assertThat(sentry.drain()).isEmpty();
  }

  @Test
  @Order(3)
  @DisplayName(
      "reports are limited per client IP: past CLIENT_ERRORS_PER_IP_PER_MINUTE the page gets 429")
  void ratePerIp() {
    int last = 0;
    for (int i = 0; i < 10 && last != 429; i++) {
      last =
          report(new JsonObject().put("kind", "unhandledrejection").put("message", "rejected " + i))
              .statusCode();
    }
    assertThat(last).isEqualTo(429);
  }
}
