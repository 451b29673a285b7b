package com.interviewroom.edge.auth;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.EdgeTest;
import com.interviewroom.testkit.CapturedLogs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** What the log lines of the auth paths carry, rendered by the production JSON encoder. */
class AuthLoggingTest extends EdgeTest {
  @RegisterExtension final CapturedLogs logs = new CapturedLogs();
  private final LogstashEncoder encoder = new LogstashEncoder();

  @BeforeEach
  void startEncoder() {
    encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    encoder.start();
  }

  @AfterEach
  void stopEncoder() {
    encoder.stop();
  }

  /** Every captured event as the JSON line stdout would get. */
  private List<String> lines() {
    synchronized (logs.list) {
      return logs.list.stream()
          .map(e -> new String(encoder.encode(e), StandardCharsets.UTF_8))
          .toList();
    }
  }

  /**
   * The access line of one request; it is written when the response ends, so it may trail the
   * answer.
   */
  private JsonObject accessLine(String requestId) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      for (String line : lines()) {
        JsonObject json = new JsonObject(line);
        if ("access".equals(json.getString("logger_name"))
            && requestId.equals(json.getString("requestId"))) {
          return json;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no access line with requestId " + requestId + " in " + lines());
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(server.client.post(path).sendJsonObject(body));
  }

  private static HttpResponse<Buffer> profile(String token, String requestId) {
    return await(
        server
            .client
            .get("/api/users/profile")
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("X-Request-Id", requestId)
            .send());
  }

  @Test
  @DisplayName(
      "signup, login, a refresh, an authenticated and a refused request log no password or token; access lines carry the caller's X-Request-Id")
  void noSecretsAndRequestIds() throws Exception {
    String email = "logs-" + UUID.randomUUID() + "@example.com";
    String password = "pw-" + UUID.randomUUID();
    String wrongPassword = "wrong-" + UUID.randomUUID();

    HttpResponse<Buffer> signup = post("/api/auth/signup", EdgeServer.credentials(email, password));
    assertThat(signup.statusCode()).isEqualTo(201);
    String signupToken = signup.bodyAsJsonObject().getString("accessToken");
    HttpResponse<Buffer> login =
        post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
    assertThat(login.statusCode()).isEqualTo(200);
    String loginToken = login.bodyAsJsonObject().getString("accessToken");
    assertThat(
            post(
                    "/api/auth/login",
                    new JsonObject().put("email", email).put("password", wrongPassword))
                .statusCode())
        .isEqualTo(401);

    String refreshToken = login.cookies().get(0).split(";")[0].substring("ir_refresh=".length());
    HttpResponse<Buffer> refreshed =
        await(
            server
                .client
                .post("/api/auth/refresh")
                .putHeader("Cookie", "ir_refresh=" + refreshToken)
                .send());
    assertThat(refreshed.statusCode()).isEqualTo(200);
    String rotated = refreshed.cookies().get(0).split(";")[0].substring("ir_refresh=".length());

    String okId = "req-ok-" + UUID.randomUUID();
    assertThat(profile(loginToken, okId).statusCode()).isEqualTo(200);
    String[] parts = loginToken.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    String refusedId = "req-refused-" + UUID.randomUUID();
    HttpResponse<Buffer> refused = profile(forged, refusedId);

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.bodyAsJsonObject().getString("requestId")).isEqualTo(refusedId);
    assertThat(refused.getHeader("X-Request-Id")).isEqualTo(refusedId);

    JsonObject okLine = accessLine(okId);
    assertThat(okLine.getInteger("status")).isEqualTo(200);
    assertThat(okLine.getString("path")).isEqualTo("/api/users/profile");
    assertThat(accessLine(refusedId).getInteger("status")).isEqualTo(401);

    List<String> lines = lines();
    assertThat(lines).as("something was logged").isNotEmpty();
    for (String secret :
        List.of(
            password,
            wrongPassword,
            signupToken,
            loginToken,
            forged,
            parts[2],
            refreshToken,
            rotated,
            refreshed.bodyAsJsonObject().getString("accessToken"))) {
      assertThat(lines)
          .as("no log line contains a password, an access token or a refresh token")
          .noneMatch(line -> line.contains(secret));
    }
  }
}
