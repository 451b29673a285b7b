package com.interviewroom.edge.console;

import static com.interviewroom.edge.EdgeServer.await;
import static com.interviewroom.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.schema.console.AlertOutboxStore;
import com.interviewroom.schema.console.Detection;
import com.interviewroom.schema.console.FailureKind;
import com.interviewroom.schema.console.FailureStore;
import com.interviewroom.testkit.FakeSlack;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Alerts reach a Slack incoming webhook (the strict local fake, over a real socket) once each: a
 * 500 and a 429 are retried, a 4xx Slack means for good is given up, and a detection repeated never
 * sends a second message.
 */
class SlackAlertsTest {
  private static EdgeServer server;
  private static FakeSlack slack;
  private static FailureStore failures;

  @BeforeAll
  static void start() throws Exception {
    server = EdgeServer.start(Map.of("CONSOLE_ALERT_POLL_MS", "50"));
    await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
    slack = FakeSlack.start(50);
    await(
        server
            .db
            .pool()
            .preparedQuery(
                "UPDATE console_settings SET slack_webhook_url = $1, health_below = 50, failure_rate_threshold = 1")
            .execute(Tuple.of(slack.url())));
    failures = new FailureStore(server.db, "https://interviewroom.example");
    Config config = server.context.config();
    await(server.vertx.deployVerticle(new SlackAlerts(new AlertOutboxStore(server.db), config)));
  }

  @AfterAll
  static void stop() {
    slack.close();
    server.close();
  }

  private static UUID session() {
    UUID user = TestUser.signup(server).id();
    return await(
            server
                .db
                .pool()
                .preparedQuery(
                    """
        INSERT INTO sessions (user_id, problem_id, language, status, provider) SELECT $1, id, 'python', 'active', 'openai'
        FROM problems ORDER BY slug LIMIT 1 RETURNING id""")
                .execute(Tuple.of(user)))
        .iterator()
        .next()
        .getUUID("id");
  }

  private static List<JsonObject> about(UUID session) {
    return slack.messages().stream()
        .filter(m -> m.getString("text").contains(session.toString()))
        .toList();
  }

  @Test
  @DisplayName(
      "a high-severity failure is posted once as {text} with a deep link to the console, however often it is detected")
  void onceWithDeepLink() throws Exception {
    UUID session = session();
    Detection silent =
        new Detection(
            session, FailureKind.INTERVIEWER_SILENT, System.currentTimeMillis(), new JsonObject());
    await(failures.record(silent));
    await(failures.record(silent));
    eventually("the message posted", () -> about(session).size() >= 1);
    Thread.sleep(500);
    List<JsonObject> posted = about(session);
    assertThat(posted).hasSize(1);
    assertThat(posted.get(0).getString("text"))
        .contains("interviewer_silent")
        .contains(
            "<https://interviewroom.example/admin/sessions/" + session + "|Open in the console>");
    // a low-severity failure that keeps the health above the threshold is not worth a message
    UUID fine = session();
    await(
        failures.record(
            new Detection(
                fine,
                FailureKind.REPEATED_BARGE_INS,
                System.currentTimeMillis(),
                new JsonObject())));
    Thread.sleep(500);
    assertThat(about(fine)).isEmpty();
  }

  @Test
  @DisplayName(
      "Slack's 500 and 429 (Retry-After) are retried until it answers 200 ok; the message arrives once")
  void retried() throws Exception {
    slack.failNext(1, 500);
    slack.failNext(1, 429);
    UUID session = session();
    await(
        failures.record(
            new Detection(
                session,
                FailureKind.EVALUATION_DEAD_LETTERED,
                System.currentTimeMillis(),
                new JsonObject())));
    eventually("the message posted after the retries", () -> about(session).size() >= 1);
    Thread.sleep(300);
    assertThat(about(session)).hasSize(1);
    assertThat(slack.answers()).contains(500, 429, 200);
    String status =
        await(
                server
                    .db
                    .pool()
                    .preparedQuery(
                        "SELECT status FROM alert_deliveries WHERE dedup_key LIKE 'failure:%' AND session_id = $1")
                    .execute(Tuple.of(session)))
            .iterator()
            .next()
            .getString("status");
    assertThat(status).isEqualTo("sent");
  }

  @Test
  @DisplayName("a webhook Slack does not know (404 no_service) is given up, not retried for ever")
  void givenUp() throws Exception {
    UUID session = session();
    await(
        server
            .db
            .pool()
            .preparedQuery("UPDATE console_settings SET slack_webhook_url = $1")
            .execute(Tuple.of(slack.url() + "nope")));
    try {
      await(
          failures.record(
              new Detection(
                  session,
                  FailureKind.PROVIDER_UNAVAILABLE,
                  System.currentTimeMillis(),
                  new JsonObject())));
      eventually(
          "the delivery given up",
          () ->
              "failed"
                  .equals(
                      await(
                              server
                                  .db
                                  .pool()
                                  .preparedQuery(
                                      "SELECT status FROM alert_deliveries WHERE dedup_key LIKE 'failure:%' AND session_id = $1")
                                  .execute(Tuple.of(session)))
                          .iterator()
                          .next()
                          .getString("status")));
      String error =
          await(
                  server
                      .db
                      .pool()
                      .preparedQuery(
                          "SELECT last_error FROM alert_deliveries WHERE dedup_key LIKE 'failure:%' AND session_id = $1")
                      .execute(Tuple.of(session)))
              .iterator()
              .next()
              .getString("last_error");
      assertThat(error).isEqualTo("404 no_service");
    } finally {
      await(
          server
              .db
              .pool()
              .preparedQuery("UPDATE console_settings SET slack_webhook_url = $1")
              .execute(Tuple.of(slack.url())));
    }
  }

  @Test
  @DisplayName(
      "the fake is as strict as Slack: no text is 400 no_text, a form body 400 invalid_payload, a GET is refused")
  void strictFake() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI uri = java.net.URI.create(slack.url());
    var noText =
        http.send(
            java.net.http.HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"blocks\":[]}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(noText.statusCode()).isEqualTo(400);
    assertThat(noText.body()).isEqualTo("no_text");
    var form =
        http.send(
            java.net.http.HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("text=hi"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(400);
    assertThat(form.body()).isEqualTo("invalid_payload");
    var get =
        http.send(
            java.net.http.HttpRequest.newBuilder(uri).GET().build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }
}
