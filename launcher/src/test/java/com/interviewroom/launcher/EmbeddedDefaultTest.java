package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.launcher.embedded.FreePort;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command in-process: nothing configured, everything embedded, data kept across
 * restarts.
 */
class EmbeddedDefaultTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dataDir;

  private Config config(int port) {
    return Config.from(
        Map.of(
            "DATA_DIR", dataDir.toString(),
            "PORT", String.valueOf(port),
            "INTERNAL_PORT", String.valueOf(FreePort.find()),
            "SANDBOX_PORT", String.valueOf(FreePort.find())));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(int port, String path, JsonObject body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Opens {@code /ws} the way a browser does and returns the server's close code. */
  private int webSocketCloseCode(int port, String token) throws Exception {
    java.util.concurrent.CompletableFuture<Integer> closed =
        new java.util.concurrent.CompletableFuture<>();
    http.newWebSocketBuilder()
        .subprotocols("interview.v1", token)
        .buildAsync(
            URI.create("ws://127.0.0.1:" + port + "/ws"),
            new java.net.http.WebSocket.Listener() {
              @Override
              public java.util.concurrent.CompletionStage<?> onClose(
                  java.net.http.WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
              }
            })
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
    return closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "with no URLs set, the system starts embedded Postgres, Redis and S3, is ready, and keeps users across a restart")
  void embeddedDefaultIsReadyAndDurable() throws Exception {
    int port = FreePort.find();
    String email = "embedded-" + UUID.randomUUID() + "@example.com";
    JsonObject credentials =
        new JsonObject().put("email", email).put("password", "embedded-password");
    JsonObject signupBody = credentials.copy().put("termsVersion", Legal.TERMS_VERSION);
    String firstToken;
    try (RunningSystem running = Launcher.start(config(port))) {
      assertThat(running.embedded()).containsExactlyInAnyOrder("postgres", "redis", "s3");
      HttpResponse<String> ready = get(port, "/health/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      JsonObject components = new JsonObject(ready.body()).getJsonObject("components");
      for (String component : new String[] {"postgres", "redis", "s3"}) {
        assertThat(components.getJsonObject(component).getString("status"))
            .as(component)
            .isEqualTo("up");
      }
      HttpResponse<String> signup = post(port, "/api/auth/signup", signupBody);
      assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
      firstToken = new JsonObject(signup.body()).getString("accessToken");
      HttpResponse<String> problems =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/problems?pageSize=1"))
                  .header("Authorization", "Bearer " + firstToken)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(problems.statusCode()).as(problems.body()).isEqualTo(200);
      assertThat(new JsonObject(problems.body()).getLong("total"))
          .as("the seeded bank is served")
          .isPositive();
      assertThat(running.deployments()).containsKeys("edge", "session-sweeper");
      assertThat(webSocketCloseCode(port, "not.a.token"))
          .as("/ws shares PORT with the REST edge")
          .isEqualTo(4001);
    }
    assertThat(Files.exists(dataDir.resolve("keys/jwt-signing-key.json"))).isTrue();

    try (RunningSystem restarted = Launcher.start(config(port))) {
      HttpResponse<String> login = post(port, "/api/auth/login", credentials);
      assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
      HttpResponse<String> me =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/me"))
                  .header("Authorization", "Bearer " + firstToken)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(me.statusCode())
          .as("a token issued before the restart is still valid")
          .isEqualTo(200);
    }
  }
}
