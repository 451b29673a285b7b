package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static com.interviewroom.testkit.Eventually.poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.testkit.FakeSlack;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator console's "done when", through the whole system (ROLE=all from the launcher): an
 * OpenAI Realtime endpoint that is down, and one that connects and then never says a word, become
 * failures of their kinds within seconds, each reaches the fake Slack once, and the console shows
 * them and lets an operator resolve one. (An evaluator whose calls keep failing, dead-lettered, is
 * FailureDetectorTest's: the launcher's evaluator group waits 30 s per redelivery.)
 */
class OperatorConsoleFlowTest extends SystemTest {
  private static final String ADMIN = "operator-" + UUID.randomUUID() + "@example.com";

  private Vertx fakes;
  private HttpServer openAi;
  private final AtomicBoolean openAiDown = new AtomicBoolean();
  private FakeSlack slack;

  @Override
  Map<String, String> extraEnv() throws Exception {
    fakes = Vertx.vertx();
    // the interviewer that connects and never speaks: session.update is answered, nothing else ever
    // is
    openAi =
        await(
            fakes
                .createHttpServer()
                .webSocketHandshakeHandler(
                    handshake -> {
                      if (openAiDown.get()) {
                        handshake.reject(503);
                      } else {
                        handshake.accept();
                      }
                    })
                .webSocketHandler(
                    ws ->
                        ws.textMessageHandler(
                            text -> {
                              JsonObject m = new JsonObject(text);
                              if ("session.update".equals(m.getString("type"))) {
                                ws.writeTextMessage(
                                    new JsonObject()
                                        .put("type", "session.updated")
                                        .put("session", m.getJsonObject("session"))
                                        .encode());
                              }
                            }))
                .listen(0, "127.0.0.1"));
    slack = FakeSlack.start(50);
    closedAfterTheSystem.add(slack);
    closedAfterTheSystem.add(() -> await(fakes.close()));
    return Map.of(
        "OPENAI_API_KEY",
        "sk-test-console",
        "OPENAI_REALTIME_URL",
        "ws://127.0.0.1:" + openAi.actualPort() + "/v1/realtime",
        "ADMIN_EMAILS",
        ADMIN,
        "CONSOLE_SILENCE_MS",
        "1500",
        "CONSOLE_ALERT_POLL_MS",
        "100");
  }

  @Test
  @DisplayName(
      "a silent interviewer and a provider that is down show up as failures of the right kinds within seconds, reach Slack once each, and are resolved in the console")
  void inducedFailures() throws Exception {
    String admin = api.signupAs(ADMIN).getString("accessToken");
    HttpResponse<String> saved =
        api.send(
            "PUT",
            "/api/admin/settings",
            admin,
            new JsonObject()
                .put("slackWebhookUrl", slack.url())
                .put("failureRatePercent", 100)
                .put("healthBelow", 50));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

    // 1. the interviewer connects, the candidate finishes a turn, and nothing comes back
    JsonObject quietStart = api.startSession(api.signup("quiet").getString("accessToken"));
    List<JsonObject> quietMessages = new java.util.concurrent.CopyOnWriteArrayList<>();
    WebSocket ws = connect(quietStart.getString("wsToken"), quietMessages);
    poll(
        "session.ready",
        () -> quietMessages,
        list -> list.stream().anyMatch(m -> "session.ready".equals(m.getString("type"))));
    await(ws.writeTextMessage(new JsonObject().put("type", "input_audio_buffer.commit").encode()));
    String quietId = quietStart.getString("sessionId");
    poll("interviewer_silent", () -> recorded(quietId), k -> k.contains("interviewer_silent"));
    JsonObject silent = detail(admin, quietId);
    assertThat(kinds(silent)).containsExactly("interviewer_silent");
    assertThat(silent.getInteger("health")).isEqualTo(70);

    // 2. the provider is down: every connect attempt is refused, the session errors and is refunded
    openAiDown.set(true);
    JsonObject downStart = api.startSession(api.signup("down").getString("accessToken"));
    List<JsonObject> downMessages = new java.util.concurrent.CopyOnWriteArrayList<>();
    connect(downStart.getString("wsToken"), downMessages);
    String downId = downStart.getString("sessionId");
    poll(
        "provider_unavailable",
        () -> recorded(downId),
        k -> k.containsAll(List.of("provider_unavailable", "session_errored_refunded")));
    JsonObject down = detail(admin, downId);
    assertThat(kinds(down))
        .containsExactlyInAnyOrder("provider_unavailable", "session_errored_refunded");
    assertThat(down.getString("status")).isEqualTo("errored");
    assertThat(down.getBoolean("creditRefunded")).isTrue();
    assertThat(down.getInteger("health")).isEqualTo(40);

    // 3. Slack heard about each high-severity failure once, with a deep link to the console
    poll(
        "slack messages",
        slack::messages,
        m ->
            count(m, "*provider_unavailable*") == 1
                && count(m, "*session_errored_refunded*") == 1
                && count(m, "*interviewer_silent*") == 1);
    Thread.sleep(1_000);
    List<JsonObject> messages = slack.messages();
    assertThat(count(messages, "*interviewer_silent*")).isEqualTo(1);
    assertThat(count(messages, "*provider_unavailable*")).isEqualTo(1);
    assertThat(count(messages, "*session_errored_refunded*")).isEqualTo(1);
    assertThat(count(messages, "fell below health 50")).isEqualTo(1);
    assertThat(
            messages.stream()
                .filter(m -> m.getString("text").contains("*interviewer_silent*"))
                .findFirst()
                .orElseThrow()
                .getString("text"))
        .contains("/admin/sessions/" + quietId);

    // 4. the console lists both with their health, and the operator resolves the silence
    JsonArray failing =
        new JsonObject(api.send("GET", "/api/admin/sessions?hasFailures=true", admin, null).body())
            .getJsonArray("items");
    assertThat(failing.stream().map(o -> ((JsonObject) o).getString("id")).toList())
        .contains(quietId, downId);
    long silenceId =
        silent.getJsonArray("failures").stream()
            .map(o -> (JsonObject) o)
            .filter(f -> "interviewer_silent".equals(f.getString("kind")))
            .findFirst()
            .orElseThrow()
            .getLong("id");
    HttpResponse<String> resolved =
        api.send(
            "PATCH",
            "/api/admin/failures/" + silenceId,
            admin,
            new JsonObject().put("status", "resolved"));
    assertThat(new JsonObject(resolved.body()).getString("status")).isEqualTo("resolved");
    JsonObject patterns =
        new JsonObject(api.send("GET", "/api/admin/analytics/patterns", admin, null).body());
    assertThat(patterns.getLong("totalFailures")).isEqualTo(3);
  }

  private static long count(List<JsonObject> messages, String text) {
    return messages.stream().filter(m -> m.getString("text").contains(text)).count();
  }

  private static List<String> kinds(JsonObject detail) {
    return detail == null
        ? List.of()
        : detail.getJsonArray("failures").stream()
            .map(o -> ((JsonObject) o).getString("kind"))
            .toList();
  }

  /**
   * The failure kinds recorded for a session, read from the database (polling the API would spend
   * the operator's rate limit).
   */
  private List<String> recorded(String sessionId) {
    com.interviewroom.schema.Database db =
        com.interviewroom.schema.Database.connect(running.vertx(), databaseUrl, 1);
    try {
      List<String> out = new java.util.ArrayList<>();
      await(
              db.pool()
                  .preparedQuery("SELECT kind FROM failures WHERE session_id = $1")
                  .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(sessionId))))
          .forEach(r -> out.add(r.getString("kind")));
      return out;
    } finally {
      await(db.close());
    }
  }

  private JsonObject detail(String bearer, String sessionId) {
    try {
      HttpResponse<String> r = api.send("GET", "/api/admin/sessions/" + sessionId, bearer, null);
      return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private WebSocket connect(String token, List<JsonObject> messages) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/ws")
            .setSubProtocols(List.of("interview.v1", token));
    return await(
        wsClient
            .connect(options)
            .onSuccess(ws -> ws.textMessageHandler(text -> messages.add(new JsonObject(text)))));
  }
}
