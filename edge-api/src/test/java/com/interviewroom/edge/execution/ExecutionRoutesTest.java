package com.interviewroom.edge.execution;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.fakes.EchoRunner;
import com.interviewroom.edge.openapi.OpenApiContract;
import com.interviewroom.sandbox.RunRequest;
import com.interviewroom.sandbox.http.RequestParser;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.session.signal.SessionSignals;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The execute endpoint over a real socket, with a runner that answers like the sandbox's documented
 * API.
 */
class ExecutionRoutesTest {
  private static EchoRunner runner;
  private static EdgeServer server;

  @BeforeAll
  static void start() throws Exception {
    runner = new EchoRunner();
    server = EdgeServer.start(Map.of("SANDBOX_URL", runner.url()));
    await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    runner.close();
  }

  private static UUID activeSession(TestUser user) {
    user.setCredits(Math.max(user.credits(), 1));
    UUID id = user.start("two-sum");
    user.serviceQuery(
        "UPDATE sessions SET status = 'active', started_at = now(), deadline_at = now() + interval '30 minutes' WHERE id = $1",
        Tuple.of(id),
        rows -> null);
    return id;
  }

  private static JsonObject body(String mode) {
    return new JsonObject()
        .put(
            "code", "class Solution:\n    def twoSum(self, nums, target):\n        return [0, 1]\n")
        .put("language", "python")
        .put("mode", mode);
  }

  @Test
  @DisplayName(
      "run sends only the examples, submit adds the hidden tests; hidden results show pass/fail and time only")
  void runAndSubmit() {
    TestUser user = TestUser.signup(server);
    UUID session = activeSession(user);
    HttpResponse<Buffer> run = user.post("/api/sessions/" + session + "/execute", body("run"));
    assertThat(run.statusCode()).as(run.bodyAsString()).isEqualTo(200);
    OpenApiContract.assertResponseMatches(
        "POST", "/api/sessions/{id}/execute", 200, run.bodyAsJsonObject());
    JsonObject sentForRun = runner.lastRequest();
    assertThat(
            sentForRun.getJsonObject("problem").getJsonArray("tests").stream()
                .allMatch(t -> !((JsonObject) t).getBoolean("hidden")))
        .isTrue();
    assertThat(sentForRun.getJsonObject("problem").getJsonObject("function").getString("name"))
        .isEqualTo("twoSum");
    assertThat(RequestParser.run(sentForRun).problem().tests())
        .as("what the edge sent, parsed by the runner")
        .hasSize(2);

    HttpResponse<Buffer> submit =
        user.post("/api/sessions/" + session + "/execute", body("submit"));
    assertThat(submit.statusCode()).isEqualTo(200);
    JsonObject result = submit.bodyAsJsonObject();
    JsonArray tests = result.getJsonArray("tests");
    assertThat(tests.stream().anyMatch(t -> ((JsonObject) t).getBoolean("hidden"))).isTrue();
    for (Object item : tests) {
      JsonObject t = (JsonObject) item;
      assertThat(t.containsKey("runnerInternal")).isFalse();
      if (t.getBoolean("hidden")) {
        assertThat(t.fieldNames())
            .containsExactlyInAnyOrder("id", "hidden", "passed", "durationMs");
      }
    }
    assertThat(result.containsKey("hostPath")).isFalse();
  }

  @Test
  @DisplayName(
      "the result is stored as an execution snapshot, published as code.executed and signalled to the session's socket")
  void storedAndAnnounced() throws Exception {
    TestUser user = TestUser.signup(server);
    UUID session = activeSession(user);
    AtomicReference<String> signalled = new AtomicReference<>();
    RedisConnection subscriber =
        await(
            Redis.createClient(server.vertx, com.interviewroom.testkit.TestRedis.url()).connect());
    subscriber.handler(
        message -> {
          if (message.size() >= 3 && "message".equals(message.get(0).toString())) {
            signalled.set(message.get(2).toString());
          }
        });
    await(subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(SessionSignals.context(session))));
    String lastEntry =
        await(
                server.redis.send(
                    Request.cmd(Command.XREVRANGE)
                        .arg("events")
                        .arg("+")
                        .arg("-")
                        .arg("COUNT")
                        .arg(1)))
            .stream()
            .findFirst()
            .map(entry -> entry.get(0).toString())
            .orElse("0-0");

    HttpResponse<Buffer> run = user.post("/api/sessions/" + session + "/execute", body("submit"));
    assertThat(run.statusCode()).isEqualTo(200);
    String snapshotId = run.bodyAsJsonObject().getString("snapshotId");

    JsonObject stored =
        user.serviceQuery(
            "SELECT snapshot_type, execution_result FROM code_snapshots WHERE id = $1",
            Tuple.of(UUID.fromString(snapshotId)),
            rows -> rows.iterator().next().toJson());
    assertThat(stored.getString("snapshot_type")).isEqualTo("execution");
    assertThat(stored.getJsonObject("execution_result").getString("verdict")).isEqualTo("accepted");

    var entries =
        await(
            server.redis.send(
                Request.cmd(Command.XRANGE).arg("events").arg("(" + lastEntry).arg("+")));
    boolean published =
        entries.stream()
            .anyMatch(
                entry ->
                    entry.get(1).toString().contains("code.executed")
                        && entry.get(1).toString().contains(session.toString()));
    assertThat(published).isTrue();

    long deadline = System.currentTimeMillis() + 5_000;
    while (signalled.get() == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    JsonObject signal = new JsonObject(signalled.get());
    assertThat(signal.getString("kind")).isEqualTo("EXECUTION_RESULT");
    assertThat(signal.getString("text")).contains("tests passed");
    assertThat(signal.getJsonObject("payload").getString("verdict")).isEqualTo("accepted");
    subscriber.close();
  }

  @Test
  @DisplayName(
      "another user's session is 404, a session that is not active is 409, a bad body lists its fields")
  void refusals() {
    TestUser owner = TestUser.signup(server);
    TestUser stranger = TestUser.signup(server);
    UUID session = activeSession(owner);
    assertThat(stranger.post("/api/sessions/" + session + "/execute", body("run")).statusCode())
        .isEqualTo(404);
    assertThat(
            owner.post("/api/sessions/" + UUID.randomUUID() + "/execute", body("run")).statusCode())
        .isEqualTo(404);

    owner.setCredits(1);
    UUID scheduled = owner.start("two-sum");
    HttpResponse<Buffer> notActive =
        owner.post("/api/sessions/" + scheduled + "/execute", body("run"));
    assertThat(notActive.statusCode()).isEqualTo(409);
    assertThat(notActive.bodyAsJsonObject().getString("code")).isEqualTo("session_not_active");

    HttpResponse<Buffer> bad =
        owner.post(
            "/api/sessions/" + session + "/execute",
            new JsonObject()
                .put("code", 5)
                .put("language", "cobol")
                .put("mode", "everything")
                .put("timeout", 99));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(
            bad.bodyAsJsonObject().getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("field"))
                .toList())
        .containsExactlyInAnyOrder("code", "language", "mode", "timeout");
    HttpResponse<Buffer> huge =
        owner.post(
            "/api/sessions/" + session + "/execute", body("run").put("code", "x".repeat(51_201)));
    assertThat(huge.statusCode()).isEqualTo(413);
  }

  @Test
  @DisplayName(
      "a fourth run within a minute is 429 with Retry-After; refused requests (bad body) do not use up a run")
  void threeRunsPerMinute() {
    TestUser user = TestUser.signup(server);
    UUID session = activeSession(user);
    for (int i = 0; i < 3; i++) {
      assertThat(
              user.post(
                      "/api/sessions/" + session + "/execute", new JsonObject().put("mode", "run"))
                  .statusCode())
          .isEqualTo(400);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(user.post("/api/sessions/" + session + "/execute", body("run")).statusCode())
          .isEqualTo(200);
    }
    HttpResponse<Buffer> fourth = user.post("/api/sessions/" + session + "/execute", body("run"));
    assertThat(fourth.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(fourth.getHeader("Retry-After"))).isBetween(1, 60);
  }

  @Test
  @DisplayName(
      "the per-user limit spans sessions: three runs in one session leave none for the user's other session")
  void perUserLimitAcrossSessions() {
    TestUser user = TestUser.signup(server);
    UUID first = activeSession(user);
    UUID second = activeSession(user);
    for (int i = 0; i < 3; i++) {
      assertThat(user.post("/api/sessions/" + first + "/execute", body("run")).statusCode())
          .isEqualTo(200);
    }
    HttpResponse<Buffer> other = user.post("/api/sessions/" + second + "/execute", body("run"));
    assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(429);
    assertThat(other.getHeader("Retry-After")).isNotNull();
    // Another user is not affected.
    TestUser neighbour = TestUser.signup(server);
    assertThat(
            neighbour
                .post("/api/sessions/" + activeSession(neighbour) + "/execute", body("run"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  @DisplayName(
      "the problem block built from the database passes the runner's own request parser, for every problem and both modes")
  void problemBlockMatchesTheRunnersContract() {
    TestUser user = TestUser.signup(server);
    java.util.List<JsonObject> problems =
        user.serviceQuery(
            "SELECT id, slug FROM problems ORDER BY slug",
            Tuple.tuple(),
            rows ->
                java.util.stream.StreamSupport.stream(rows.spliterator(), false)
                    .map(Row::toJson)
                    .toList());
    assertThat(problems).hasSize(ProblemBank.load().size());
    for (JsonObject row : problems) {
      UUID problemId = UUID.fromString(row.getString("id"));
      com.interviewroom.schema.Problem bankProblem =
          ProblemBank.load().bySlug(row.getString("slug")).orElseThrow();
      for (boolean submit : new boolean[] {false, true}) {
        JsonObject block =
            await(server.db.asService(sql -> ExecutionRepository.problem(sql, problemId, submit)));
        for (String language : java.util.List.of("python", "javascript", "java")) {
          JsonObject body =
              new JsonObject()
                  .put("language", language)
                  .put("code", bankProblem.solutions().get(language))
                  .put("mode", submit ? "submit" : "run")
                  .put("problem", block);
          RunRequest parsed;
          try {
            parsed = RequestParser.run(body);
          } catch (ApiException e) {
            throw new AssertionError(
                row.getString("slug")
                    + " "
                    + language
                    + " "
                    + (submit ? "submit" : "run")
                    + " breaks the runner's contract: "
                    + e.getMessage()
                    + " "
                    + e.extensions().encode(),
                e);
          }
          assertThat(parsed.problem().function().name()).isEqualTo(bankProblem.function().name());
          assertThat(parsed.problem().tests())
              .as(row.getString("slug"))
              .hasSize(submit ? bankProblem.tests().size() : bankProblem.exampleTests().size());
          assertThat(parsed.problem().tests().stream().filter(RunRequest.TestCase::hidden).count())
              .isEqualTo(
                  submit ? bankProblem.tests().size() - bankProblem.exampleTests().size() : 0);
        }
      }
    }
  }

  @Test
  @DisplayName(
      "when the runner is down the answer is 503 sandbox_unavailable, nothing is stored, and sandbox.unavailable is announced for the failure detector")
  void runnerDown() {
    try (EdgeServer noRunner = EdgeServer.start(Map.of("SANDBOX_URL", "http://127.0.0.1:9"))) {
      await(ProblemBankSeeder.seed(noRunner.db, ProblemBank.load()));
      TestUser user = TestUser.signup(noRunner);
      // with the runner down no session can start (see SessionStartTest): one that started before
      // it went down
      UUID session =
          user.serviceQuery(
              """
          INSERT INTO sessions (user_id, problem_id, language, status, started_at, deadline_at)
          SELECT $1, id, 'python', 'active', now(), now() + interval '30 minutes' FROM problems WHERE slug = 'two-sum'
          RETURNING id""",
              Tuple.of(user.id()),
              rows -> rows.iterator().next().getUUID("id"));
      HttpResponse<Buffer> response =
          user.post("/api/sessions/" + session + "/execute", body("run"));
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("sandbox_unavailable");
      assertThat(response.getHeader("Retry-After")).isNotNull();
      int snapshots =
          user.serviceQuery(
              "SELECT count(*) AS n FROM code_snapshots WHERE session_id = $1",
              Tuple.of(session),
              rows -> rows.iterator().next().getInteger("n"));
      assertThat(snapshots).isZero();
      var entries =
          await(
              noRunner.redis.send(
                  Request.cmd(Command.XREVRANGE)
                      .arg("events")
                      .arg("+")
                      .arg("-")
                      .arg("COUNT")
                      .arg(200)));
      boolean announced =
          entries.stream()
              .anyMatch(
                  entry ->
                      entry.get(1).toString().contains("sandbox.unavailable")
                          && entry.get(1).toString().contains(session.toString()));
      assertThat(announced).as("sandbox.unavailable of this session on the events stream").isTrue();
    }
  }
}
