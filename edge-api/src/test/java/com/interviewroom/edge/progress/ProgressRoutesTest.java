package com.interviewroom.edge.progress;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.interviewroom.common.crypto.Hmac;
import com.interviewroom.edge.DatabaseScan;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.agents.AgentsHarness;
import com.interviewroom.edge.fakes.FakeSandboxRunner;
import com.interviewroom.edge.session.TestSessions;
import com.interviewroom.edge.web.TrackedSkill;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.testkit.CapturedLogs;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/progress} over sessions that went the real way: started over the API with a group
 * and a tracked skill, activated, talked and coded in, ended over the API, and scored by the
 * evaluator through the signed internal route (the heuristic judge, the fake sandbox runner).
 */
class ProgressRoutesTest {
  private static final String SECRET = "progress-test-tracked-skill-secret-0123456789";
  private static Vertx fakes;
  private static FakeSandboxRunner runner;
  private static AgentsHarness harness;
  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  @BeforeAll
  static void start() throws Exception {
    fakes = Vertx.vertx();
    runner = new FakeSandboxRunner(fakes);
    harness =
        new AgentsHarness(Map.of("SANDBOX_URL", runner.url(), "TRACKED_SKILL_SECRET", SECRET));
    await(ProblemBankSeeder.seed(harness.edge.db, ProblemBank.load()));
  }

  @AfterAll
  static void stop() throws Exception {
    harness.close();
    runner.close();
    await(fakes.close());
  }

  private static EdgeServer edge() {
    return harness.edge;
  }

  /** A session held and evaluated; {@code skill} (raw) and {@code group} may be null. */
  private static UUID evaluatedSession(
      JsonObject account, String slug, String group, String skill) {
    JsonObject body = new JsonObject().put("problemSlug", slug).put("language", "python");
    if (group != null) {
      body.put("groupId", group);
    }
    HttpResponse<Buffer> started =
        await(
            withSkill(edge().client.post("/api/sessions/start"), account, skill)
                .sendJsonObject(body));
    assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(201);
    assertThat(started.bodyAsJsonObject().getString("groupId")).isEqualTo(group);
    UUID session = UUID.fromString(started.bodyAsJsonObject().getString("sessionId"));
    TestSessions.activate(edge(), session);
    harness.turn(session, "item_a1", "assistant", "How would you approach this?", 1);
    harness.turn(
        session, "item_u1", "user", "I would walk the input once and keep what I have seen.", 2);
    harness.snapshot(session, "execution", "def solve(x):\n  return x", 2, 4, 5);
    harness.snapshot(session, "final", "def solve(x):\n  return x", 0, 0, 9);
    HttpResponse<Buffer> ended =
        await(
            withSkill(edge().client.post("/api/sessions/" + session + "/end"), account, skill)
                .send());
    assertThat(ended.statusCode()).as(ended.bodyAsString()).isEqualTo(200);
    assertThat(
            harness
                .post(
                    "/api/internal/agents/evaluate",
                    new JsonObject().put("sessionId", session.toString()))
                .status())
        .isEqualTo(200);
    return session;
  }

  private static HttpRequest<Buffer> withSkill(
      HttpRequest<Buffer> request, JsonObject account, String skill) {
    request.putHeader("Authorization", EdgeServer.bearer(account));
    return skill == null ? request : request.putHeader(TrackedSkill.HEADER, skill);
  }

  private static HttpResponse<Buffer> progress(JsonObject account, String query, String skill) {
    return await(withSkill(edge().client.get("/api/progress" + query), account, skill).send());
  }

  private static JsonObject progressOk(JsonObject account, String query) {
    HttpResponse<Buffer> response = progress(account, query, null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    return response.bodyAsJsonObject();
  }

  private static List<String> sessionsOf(JsonArray points) {
    List<String> ids = new ArrayList<>();
    points.forEach(p -> ids.add(((JsonObject) p).getString("sessionId")));
    return ids;
  }

  private static String hmac(String raw) {
    return Hmac.sha256Hex(SECRET, "", raw.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName(
      "two evaluated sessions give each dimension a series with both points, oldest first, per category and per group")
  void twoSessionsTwoPoints() {
    JsonObject owner = harness.user();
    assertThat(progressOk(owner, "").getInteger("sessions")).isZero();
    UUID first = evaluatedSession(owner, "two-sum", "plan-a", null);
    JsonObject one = progressOk(owner, "");
    assertThat(one.getJsonObject("series").getJsonArray("overall")).hasSize(1);
    UUID second = evaluatedSession(owner, "climbing-stairs", "plan-a", null);

    JsonObject progress = progressOk(owner, "");
    assertThat(progress.getInteger("sessions")).isEqualTo(2);
    assertThat(progress.getBoolean("truncated")).isFalse();
    assertThat(progress.getJsonArray("dimensions").getList())
        .containsExactly(
            "overall", "problem_solving", "code_quality", "communication", "efficiency", "testing");
    for (String dimension :
        List.of(
            "overall",
            "problem_solving",
            "code_quality",
            "efficiency",
            "testing",
            "communication")) {
      JsonArray series = progress.getJsonObject("series").getJsonArray(dimension);
      assertThat(sessionsOf(series))
          .as(dimension)
          .containsExactly(first.toString(), second.toString());
      series.forEach(p -> assertThat(((JsonObject) p).getDouble("score")).isBetween(0.0, 10.0));
    }
    JsonObject stored =
        await(
            edge()
                .db
                .asService(
                    sql ->
                        sql.preparedQuery(
                                "SELECT overall_score::float8 AS overall FROM evaluations WHERE session_id = $1")
                            .execute(Tuple.of(second))
                            .map(
                                rows ->
                                    new JsonObject()
                                        .put(
                                            "overall",
                                            rows.iterator().next().getDouble("overall")))));
    assertThat(
            progress
                .getJsonObject("series")
                .getJsonArray("overall")
                .getJsonObject(1)
                .getDouble("score"))
        .isEqualTo(stored.getDouble("overall"));
    JsonArray categories = progress.getJsonArray("byCategory");
    assertThat(categories.stream().map(c -> ((JsonObject) c).getString("category")).toList())
        .containsExactly("dynamic-programming", "hash-maps");
    assertThat(progress.getJsonArray("byGroup")).hasSize(1);
    assertThat(progress.getJsonArray("byGroup").getJsonObject(0).getString("groupId"))
        .isEqualTo("plan-a");
    assertThat(
            sessionsOf(
                progress
                    .getJsonArray("byGroup")
                    .getJsonObject(0)
                    .getJsonObject("series")
                    .getJsonArray("overall")))
        .containsExactly(first.toString(), second.toString());
    assertThat(
            progress
                .getJsonArray("evaluations")
                .getJsonObject(0)
                .getJsonObject("problem")
                .getString("slug"))
        .isEqualTo("two-sum");
  }

  @Test
  @DisplayName(
      "another user's evaluations are never part of the caller's progress, whatever the filter")
  void othersNeverIncluded() {
    JsonObject owner = harness.user();
    JsonObject stranger = harness.user();
    UUID mine = evaluatedSession(owner, "two-sum", "shared-name", null);
    UUID theirs = evaluatedSession(stranger, "two-sum", "shared-name", null);

    for (String query : List.of("", "?groupId=shared-name", "?category=hash-maps")) {
      JsonObject progress = progressOk(owner, query);
      assertThat(progress.encode()).as(query).doesNotContain(theirs.toString());
      assertThat(sessionsOf(progress.getJsonObject("series").getJsonArray("overall")))
          .as(query)
          .containsExactly(mine.toString());
    }
    assertThat(progressOk(stranger, "").encode())
        .doesNotContain(mine.toString())
        .contains(theirs.toString());
  }

  @Test
  @DisplayName(
      "groupId and category filter the series; the evaluations carry the session's group; bad filters are 400s naming the parameter")
  void filters() {
    JsonObject owner = harness.user();
    await(
        edge()
            .db
            .asService(
                sql ->
                    sql.preparedQuery(
                            "INSERT INTO credit_transactions (user_id, delta, reason) VALUES ($1, 5, 'admin_adjustment')")
                        .execute(Tuple.of(AgentsHarness.userId(owner)))));
    UUID a1 = evaluatedSession(owner, "two-sum", "plan-a", null);
    UUID b1 = evaluatedSession(owner, "two-sum", "plan-b", null);
    UUID a2 = evaluatedSession(owner, "house-robber", "plan-a", null);
    UUID none = evaluatedSession(owner, "climbing-stairs", null, null);

    assertThat(
            sessionsOf(
                progressOk(owner, "?groupId=plan-a")
                    .getJsonObject("series")
                    .getJsonArray("overall")))
        .containsExactly(a1.toString(), a2.toString());
    assertThat(
            sessionsOf(
                progressOk(owner, "?groupId=plan-b")
                    .getJsonObject("series")
                    .getJsonArray("overall")))
        .containsExactly(b1.toString());
    assertThat(
            sessionsOf(
                progressOk(owner, "?category=dynamic-programming")
                    .getJsonObject("series")
                    .getJsonArray("overall")))
        .containsExactly(a2.toString(), none.toString());
    assertThat(
            sessionsOf(
                progressOk(owner, "?groupId=plan-a&category=hash-maps")
                    .getJsonObject("series")
                    .getJsonArray("overall")))
        .containsExactly(a1.toString());
    assertThat(progressOk(owner, "?groupId=plan-c").getInteger("sessions")).isZero();
    JsonObject all = progressOk(owner, "");
    assertThat(
            all.getJsonArray("byGroup").stream()
                .map(g -> ((JsonObject) g).getString("groupId"))
                .toList())
        .containsExactly("plan-a", "plan-b");
    assertThat(all.getJsonArray("evaluations").getJsonObject(3).getString("groupId")).isNull();

    List<String> groups =
        await(
            edge()
                .db
                .asService(
                    sql ->
                        sql.preparedQuery(
                                "SELECT e.group_id FROM evaluations e JOIN sessions s ON s.id = e.session_id WHERE s.user_id = $1 ORDER BY s.started_at")
                            .execute(Tuple.of(AgentsHarness.userId(owner)))
                            .map(
                                rows -> {
                                  List<String> out = new ArrayList<>();
                                  rows.forEach(row -> out.add(row.getString("group_id")));
                                  return out;
                                })));
    assertThat(groups).containsExactly("plan-a", "plan-b", "plan-a", null);

    HttpResponse<Buffer> bad = progress(owner, "?groupId=" + "x".repeat(65) + "&colour=red", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(
            bad.bodyAsJsonObject().getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("field"))
                .toList())
        .containsExactlyInAnyOrder("groupId", "colour");
    HttpResponse<Buffer> badStart =
        await(
            edge()
                .client
                .post("/api/sessions/start")
                .putHeader("Authorization", EdgeServer.bearer(owner))
                .sendJsonObject(
                    new JsonObject()
                        .put("problemSlug", "two-sum")
                        .put("language", "python")
                        .put("groupId", "no spaces")));
    assertThat(badStart.statusCode()).isEqualTo(400);
    assertThat(
            badStart.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("groupId");
    assertThat(await(edge().client.get("/api/progress").send()).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "a tracked skill files its sessions' events and evaluations under the keyed hash, filters progress, and its raw id is in no table, dump or log line")
  void trackedSkillNeverStoredRaw() {
    String raw = "dynamic programming " + UUID.randomUUID();
    JsonObject owner = harness.user();
    UUID tracked = evaluatedSession(owner, "coin-change", "plan-dp", raw);
    UUID untracked = evaluatedSession(owner, "two-sum", "plan-dp", null);

    HttpResponse<Buffer> filtered = progress(owner, "", raw);
    assertThat(filtered.statusCode()).isEqualTo(200);
    assertThat(filtered.bodyAsJsonObject().getJsonObject("filters").getBoolean("trackedSkill"))
        .isTrue();
    assertThat(
            sessionsOf(filtered.bodyAsJsonObject().getJsonObject("series").getJsonArray("overall")))
        .containsExactly(tracked.toString());
    assertThat(filtered.bodyAsString()).doesNotContain(raw).doesNotContain(hmac(raw));
    assertThat(sessionsOf(progressOk(owner, "").getJsonObject("series").getJsonArray("overall")))
        .containsExactly(tracked.toString(), untracked.toString());

    Row evaluation =
        await(
            edge()
                .db
                .asService(
                    sql ->
                        sql.preparedQuery(
                                "SELECT group_id, tracked_skill_id_hash FROM evaluations WHERE session_id = $1")
                            .execute(Tuple.of(tracked))
                            .map(rows -> rows.iterator().next())));
    assertThat(evaluation.getString("tracked_skill_id_hash")).isEqualTo(hmac(raw));
    assertThat(evaluation.getString("group_id")).isEqualTo("plan-dp");
    List<String> eventGroups =
        await(
            edge()
                .db
                .asService(
                    sql ->
                        sql.preparedQuery(
                                "SELECT kind, group_id, tracked_skill_id_hash FROM events WHERE session_id = $1 ORDER BY id")
                            .execute(Tuple.of(tracked))
                            .map(
                                rows -> {
                                  List<String> out = new ArrayList<>();
                                  rows.forEach(
                                      row ->
                                          out.add(
                                              row.getString("kind")
                                                  + " "
                                                  + row.getString("group_id")
                                                  + " "
                                                  + hmac(raw)
                                                      .equals(
                                                          row.getString("tracked_skill_id_hash"))));
                                  return out;
                                })));
    assertThat(eventGroups)
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).endsWith(" plan-dp true"));
    assertThat(DatabaseScan.columnsContaining(edge(), hmac(raw)))
        .containsExactlyInAnyOrder(
            "events.tracked_skill_id_hash",
            "sessions.tracked_skill_id_hash",
            "evaluations.tracked_skill_id_hash");

    assertThat(DatabaseScan.columnsContaining(edge(), raw)).isEmpty();
    String dump = DatabaseScan.dump(edge());
    if (System.getenv("TEST_DATABASE_URL") != null) {
      assertThat(dump).as("pg_dump reads the shared test server").isNotNull();
    }
    if (dump != null) {
      assertThat(dump)
          .as("pg_dump of the whole database")
          .contains(tracked.toString())
          .doesNotContain(raw);
    }
    List<String> lines =
        logs.list.stream()
            .map(
                e ->
                    e.getFormattedMessage()
                        + " "
                        + Arrays.toString(e.getArgumentArray())
                        + " "
                        + e.getMDCPropertyMap()
                        + " "
                        + (e.getThrowableProxy() == null
                            ? ""
                            : ThrowableProxyUtil.asString(e.getThrowableProxy())))
            .toList();
    assertThat(lines).as("the run was logged").isNotEmpty();
    assertThat(lines).noneMatch(line -> line.contains(raw));
  }
}
