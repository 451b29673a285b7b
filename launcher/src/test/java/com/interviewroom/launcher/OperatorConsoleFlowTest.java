package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.testkit.FakeSlack;
import com.interviewroom.testkit.TestAuthLimits;
import com.interviewroom.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator console's "done when", through the whole system (ROLE=all from the launcher): an
 * OpenAI Realtime endpoint that is down, and one that connects and then never says a word, become
 * failures of their kinds within seconds, each reaches the fake Slack once, and the console shows
 * them and lets an operator resolve one. (An evaluator whose calls keep failing, dead-lettered, is
 * FailureDetectorTest's: the launcher's evaluator group waits 30 s per redelivery.)
 */
class OperatorConsoleFlowTest {
  private static final String ADMIN = "operator-" + UUID.randomUUID() + "@example.com";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dataDir;

  private String databaseUrl;
  private RunningSystem running;
  private int port;
  private Vertx fakes;
  private HttpServer openAi;
  private final AtomicBoolean openAiDown = new AtomicBoolean();
  private FakeSlack slack;
  private WebSocketClient sockets;

  @BeforeEach
  void start() throws Exception {
    fakes = Vertx.vertx();
    // the interviewer that connects and never speaks: session.update is answered, nothing else ever is
    openAi = await(fakes.createHttpServer().webSocketHandshakeHandler(handshake -> {
      if (openAiDown.get()) {
        handshake.reject(503);
      } else {
        handshake.accept();
      }
    }).webSocketHandler(ws -> ws.textMessageHandler(text -> {
      JsonObject m = new JsonObject(text);
      if ("session.update".equals(m.getString("type"))) {
        ws.writeTextMessage(new JsonObject().put("type", "session.updated").put("session", m.getJsonObject("session")).encode());
      }
    })).listen(0, "127.0.0.1"));
    slack = FakeSlack.start(50);
    databaseUrl = TestDatabase.freshDatabaseUrl();
    port = FreePort.find();
    Map<String, String> env = new java.util.HashMap<>(TestAuthLimits.RAISED);
    env.putAll(Map.of(
        "DATA_DIR", dataDir.toString(),
        "DATABASE_URL", databaseUrl,
        "REDIS_URL", InterviewFlowTest.isolatedRedis(),
        "PORT", String.valueOf(port),
        "INTERNAL_PORT", String.valueOf(FreePort.find()),
        "SANDBOX_PORT", String.valueOf(FreePort.find()),
        "OPENAI_API_KEY", "sk-test-console",
        "OPENAI_REALTIME_URL", "ws://127.0.0.1:" + openAi.actualPort() + "/v1/realtime"));
    env.putAll(Map.of("ADMIN_EMAILS", ADMIN, "CONSOLE_SILENCE_MS", "1500", "CONSOLE_ALERT_POLL_MS", "100"));
    running = Launcher.start(Config.from(env));
    sockets = running.vertx().createWebSocketClient();
  }

  @AfterEach
  void stop() {
    try {
      if (running != null) {
        running.close();
      }
    } finally {
      slack.close();
      await(fakes.close());
      TestDatabase.drop(databaseUrl);
    }
  }

  @Test
  @DisplayName("a silent interviewer and a provider that is down show up as failures of the right kinds within seconds, reach Slack once each, and are resolved in the console")
  void inducedFailures() throws Exception {
    String admin = signup(ADMIN);
    HttpResponse<String> saved = send("PUT", "/api/admin/settings", admin, new JsonObject()
        .put("slackWebhookUrl", slack.url()).put("failureRatePercent", 100).put("healthBelow", 50));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

    // 1. the interviewer connects, the candidate finishes a turn, and nothing comes back
    String quiet = startSession(signup("quiet-" + UUID.randomUUID() + "@example.com"));
    JsonObject quietStart = new JsonObject(quiet);
    List<JsonObject> quietMessages = new java.util.concurrent.CopyOnWriteArrayList<>();
    WebSocket ws = connect(quietStart.getString("wsToken"), quietMessages);
    poll("session.ready", () -> quietMessages, list -> list.stream().anyMatch(m -> "session.ready".equals(m.getString("type"))), 15);
    await(ws.writeTextMessage(new JsonObject().put("type", "input_audio_buffer.commit").encode()));
    String quietId = quietStart.getString("sessionId");
    poll("interviewer_silent", () -> recorded(quietId), k -> k.contains("interviewer_silent"), 15);
    JsonObject silent = detail(admin, quietId);
    assertThat(kinds(silent)).containsExactly("interviewer_silent");
    assertThat(silent.getInteger("health")).isEqualTo(70);

    // 2. the provider is down: every connect attempt is refused, the session errors and is refunded
    openAiDown.set(true);
    JsonObject downStart = new JsonObject(startSession(signup("down-" + UUID.randomUUID() + "@example.com")));
    List<JsonObject> downMessages = new java.util.concurrent.CopyOnWriteArrayList<>();
    connect(downStart.getString("wsToken"), downMessages);
    String downId = downStart.getString("sessionId");
    poll("provider_unavailable", () -> recorded(downId), k -> k.containsAll(List.of("provider_unavailable", "session_errored_refunded")), 30);
    JsonObject down = detail(admin, downId);
    assertThat(kinds(down)).containsExactlyInAnyOrder("provider_unavailable", "session_errored_refunded");
    assertThat(down.getString("status")).isEqualTo("errored");
    assertThat(down.getBoolean("creditRefunded")).isTrue();
    assertThat(down.getInteger("health")).isEqualTo(40);

    // 3. Slack heard about each high-severity failure once, with a deep link to the console
    poll("slack messages", slack::messages, m -> count(m, "*provider_unavailable*") == 1 && count(m, "*session_errored_refunded*") == 1
        && count(m, "*interviewer_silent*") == 1, 15);
    Thread.sleep(1_000);
    List<JsonObject> messages = slack.messages();
    assertThat(count(messages, "*interviewer_silent*")).isEqualTo(1);
    assertThat(count(messages, "*provider_unavailable*")).isEqualTo(1);
    assertThat(count(messages, "*session_errored_refunded*")).isEqualTo(1);
    assertThat(count(messages, "fell below health 50")).isEqualTo(1);
    assertThat(messages.stream().filter(m -> m.getString("text").contains("*interviewer_silent*")).findFirst().orElseThrow()
        .getString("text")).contains("/admin/sessions/" + quietId);

    // 4. the console lists both with their health, and the operator resolves the silence
    JsonArray failing = new JsonObject(send("GET", "/api/admin/sessions?hasFailures=true", admin, null).body()).getJsonArray("items");
    assertThat(failing.stream().map(o -> ((JsonObject) o).getString("id")).toList()).contains(quietId, downId);
    long silenceId = silent.getJsonArray("failures").stream().map(o -> (JsonObject) o)
        .filter(f -> "interviewer_silent".equals(f.getString("kind"))).findFirst().orElseThrow().getLong("id");
    HttpResponse<String> resolved = send("PATCH", "/api/admin/failures/" + silenceId, admin, new JsonObject().put("status", "resolved"));
    assertThat(new JsonObject(resolved.body()).getString("status")).isEqualTo("resolved");
    JsonObject patterns = new JsonObject(send("GET", "/api/admin/analytics/patterns", admin, null).body());
    assertThat(patterns.getLong("totalFailures")).isEqualTo(3);
  }

  private static long count(List<JsonObject> messages, String text) {
    return messages.stream().filter(m -> m.getString("text").contains(text)).count();
  }

  private static List<String> kinds(JsonObject detail) {
    return detail == null ? List.of() : detail.getJsonArray("failures").stream().map(o -> ((JsonObject) o).getString("kind")).toList();
  }

  /** The failure kinds recorded for a session, read from the database (polling the API would spend the operator's rate limit). */
  private List<String> recorded(String sessionId) {
    com.interviewroom.schema.Database db = com.interviewroom.schema.Database.connect(running.vertx(), databaseUrl, 1);
    try {
      List<String> out = new java.util.ArrayList<>();
      await(db.pool().preparedQuery("SELECT kind FROM failures WHERE session_id = $1").execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(sessionId))))
          .forEach(r -> out.add(r.getString("kind")));
      return out;
    } finally {
      await(db.close());
    }
  }

  private JsonObject detail(String bearer, String sessionId) {
    try {
      HttpResponse<String> r = send("GET", "/api/admin/sessions/" + sessionId, bearer, null);
      return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String signup(String email) throws Exception {
    HttpResponse<String> r = send("POST", "/api/auth/signup", null, new JsonObject().put("email", email)
        .put("password", "correct horse battery").put("termsVersion", com.interviewroom.edge.auth.Legal.TERMS_VERSION));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return "Bearer " + new JsonObject(r.body()).getString("accessToken");
  }

  private String startSession(String bearer) throws Exception {
    HttpResponse<String> r = send("POST", "/api/sessions/start", bearer, new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r.body();
  }

  private HttpResponse<String> send(String method, String path, String bearer, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private WebSocket connect(String token, List<JsonObject> messages) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
        .setSubProtocols(List.of("interview.v1", token));
    return await(sockets.connect(options).onSuccess(ws -> ws.textMessageHandler(text -> messages.add(new JsonObject(text)))));
  }

  private static <T> T poll(String what, java.util.function.Supplier<T> read, Predicate<T> done, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + seconds + " s; last: " + last);
      }
      Thread.sleep(100);
      last = read.get();
    }
    return last;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
