package com.interviewroom.edge.session;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.TestUser;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SnapshotRoutesTest extends EdgeTest.WithProblemBank {
  private static JsonObject snapshot(String code, String type) {
    return new JsonObject()
        .put("code", code)
        .put("language", "python")
        .put("snapshotType", type)
        .put("timestampMs", System.currentTimeMillis());
  }

  private static UUID activeSession(TestUser user) {
    UUID id = user.start("two-sum");
    TestSessions.activate(server, id);
    return id;
  }

  private static int snapshots(TestUser user, UUID sessionId) {
    return user.serviceQuery(
        "SELECT count(*) AS n FROM code_snapshots WHERE session_id = $1",
        Tuple.of(sessionId),
        rows -> rows.iterator().next().getInteger("n"));
  }

  @Test
  @DisplayName(
      "a snapshot of an active session is stored with its type, language and client timestamp, and logged")
  void stores() {
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    HttpResponse<Buffer> response =
        user.post(
            "/api/sessions/" + id + "/code",
            snapshot("def twoSum(nums, target):\n    return [0, 1]\n", "manual")
                .put("timestampMs", 1_700_000_000_000L));
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.bodyAsJsonObject().getString("snapshotType")).isEqualTo("manual");
    JsonObject row =
        user.serviceQuery(
            "SELECT snapshot_type, language, client_timestamp_ms FROM code_snapshots WHERE session_id = $1",
            Tuple.of(id),
            rows -> rows.iterator().next().toJson());
    assertThat(row.getLong("client_timestamp_ms")).isEqualTo(1_700_000_000_000L);
    assertThat(row.getString("language")).isEqualTo("python");
    int logged =
        user.serviceQuery(
            "SELECT count(*) AS n FROM events WHERE session_id = $1 AND kind = 'code.snapshot'",
            Tuple.of(id),
            rows -> rows.iterator().next().getInteger("n"));
    assertThat(logged).isEqualTo(1);
  }

  @Test
  @DisplayName("user B cannot write snapshots to user A's session: 404, nothing stored")
  void othersCannotWrite() {
    TestUser owner = TestUser.signup(server);
    TestUser intruder = TestUser.signup(server);
    UUID id = activeSession(owner);
    for (String type : List.of("auto", "manual", "final")) {
      HttpResponse<Buffer> response =
          intruder.post("/api/sessions/" + id + "/code", snapshot("x = 1", type));
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("session_not_found");
    }
    assertThat(intruder.post("/api/sessions/nope/code", snapshot("x = 1", "manual")).statusCode())
        .isEqualTo(404);
    assertThat(snapshots(owner, id)).isZero();
    // the intruder's attempts did not use up the owner's auto-snapshot window either
    assertThat(owner.post("/api/sessions/" + id + "/code", snapshot("x = 1", "auto")).statusCode())
        .isEqualTo(201);
  }

  @Test
  @DisplayName(
      "code of exactly 51,200 UTF-8 bytes is accepted; one byte more is 413, counted in bytes, not characters")
  void sizeLimit() {
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    assertThat(
            user.post("/api/sessions/" + id + "/code", snapshot("a".repeat(51_200), "manual"))
                .statusCode())
        .isEqualTo(201);
    HttpResponse<Buffer> over =
        user.post("/api/sessions/" + id + "/code", snapshot("a".repeat(51_201), "manual"));
    assertThat(over.statusCode()).isEqualTo(413);
    assertThat(over.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(over.bodyAsJsonObject().getString("code")).isEqualTo("code_too_large");
    // 20,000 three-byte characters: 60,000 bytes though only 20,000 characters
    assertThat(
            user.post("/api/sessions/" + id + "/code", snapshot("€".repeat(20_000), "manual"))
                .statusCode())
        .isEqualTo(413);
    assertThat(snapshots(user, id)).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "at most one auto snapshot per 10 s per session: the next gets 429 with Retry-After; manual and execution are not throttled")
  void autoThrottle() {
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    UUID other = activeSession(user);
    assertThat(user.post("/api/sessions/" + id + "/code", snapshot("v1", "auto")).statusCode())
        .isEqualTo(201);
    long firstStored = System.nanoTime();
    HttpResponse<Buffer> throttled =
        user.post("/api/sessions/" + id + "/code", snapshot("v2", "auto"));
    int elapsedSeconds = (int) ((System.nanoTime() - firstStored) / 1_000_000_000L);
    assertThat(throttled.statusCode()).isEqualTo(429);
    // right after the first, the wait is the rest of a full 10 s window (a shorter window fails
    // here)
    assertThat(Integer.parseInt(throttled.getHeader("Retry-After")))
        .isBetween(9 - elapsedSeconds, 10);
    assertThat(throttled.bodyAsJsonObject().getString("code")).isEqualTo("rate_limited");
    assertThat(user.post("/api/sessions/" + other + "/code", snapshot("v1", "auto")).statusCode())
        .isEqualTo(201);
    for (int i = 0; i < 3; i++) {
      assertThat(
              user.post("/api/sessions/" + id + "/code", snapshot("m" + i, "manual")).statusCode())
          .isEqualTo(201);
      assertThat(
              user.post("/api/sessions/" + id + "/code", snapshot("e" + i, "execution"))
                  .statusCode())
          .isEqualTo(201);
    }
    assertThat(snapshots(user, id)).isEqualTo(7);
  }

  @Test
  @DisplayName(
      "an auto snapshot whose insert fails does not use up the window: the next auto snapshot is stored")
  void failedInsertKeepsTheWindow() {
    // owner-level: a trigger that refuses one marked snapshot, as a database error would
    await(
        server
            .db
            .pool()
            .query(
                """
        CREATE OR REPLACE FUNCTION test_refuse_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.code = 'refused by the database' THEN RAISE EXCEPTION 'injected insert failure'; END IF;
          RETURN NEW;
        END $$;
        DROP TRIGGER IF EXISTS test_refuse_snapshot ON code_snapshots;
        CREATE TRIGGER test_refuse_snapshot BEFORE INSERT ON code_snapshots
          FOR EACH ROW EXECUTE FUNCTION test_refuse_snapshot();""")
            .execute());
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    HttpResponse<Buffer> failed =
        user.post("/api/sessions/" + id + "/code", snapshot("refused by the database", "auto"));
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(
            await(
                    server.redis.send(
                        Request.cmd(Command.EXISTS).arg(SessionService.autoSnapshotKey(id))))
                .toInteger())
        .as("the window key was cleared")
        .isZero();
    assertThat(user.post("/api/sessions/" + id + "/code", snapshot("v1", "auto")).statusCode())
        .isEqualTo(201);
    assertThat(user.post("/api/sessions/" + id + "/code", snapshot("v2", "auto")).statusCode())
        .isEqualTo(429);
    assertThat(snapshots(user, id)).isEqualTo(1);
  }

  @Test
  @DisplayName("ten concurrent auto snapshots of one session store exactly one")
  void autoThrottleUnderConcurrency() {
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    List<Future<HttpResponse<Buffer>>> all =
        IntStream.range(0, 10)
            .mapToObj(
                i ->
                    server
                        .client
                        .request(HttpMethod.POST, "/api/sessions/" + id + "/code")
                        .putHeader("Authorization", user.authorization())
                        .sendJsonObject(snapshot("v" + i, "auto")))
            .toList();
    await(Future.join(all));
    assertThat(all.stream().filter(f -> f.result().statusCode() == 201)).hasSize(1);
    assertThat(all.stream().filter(f -> f.result().statusCode() == 429)).hasSize(9);
    assertThat(snapshots(user, id)).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a scheduled session takes no code (409); after the end exactly one final snapshot is accepted, a second is 409")
  void finalAfterEndOnce() {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    HttpResponse<Buffer> early =
        user.post("/api/sessions/" + id + "/code", snapshot("x", "manual"));
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(early.bodyAsJsonObject().getString("code")).isEqualTo("session_not_active");
    TestSessions.activate(server, id);
    assertThat(user.post("/api/sessions/" + id + "/code", snapshot("during", "final")).statusCode())
        .isEqualTo(201);
    assertThat(user.postEmpty("/api/sessions/" + id + "/end").statusCode()).isEqualTo(200);

    assertThat(user.post("/api/sessions/" + id + "/code", snapshot("late", "manual")).statusCode())
        .isEqualTo(409);
    assertThat(user.post("/api/sessions/" + id + "/code", snapshot("late", "auto")).statusCode())
        .isEqualTo(409);
    List<Future<HttpResponse<Buffer>>> beacons =
        IntStream.range(0, 5)
            .mapToObj(
                i ->
                    server
                        .client
                        .request(HttpMethod.POST, "/api/sessions/" + id + "/code")
                        .putHeader("Authorization", user.authorization())
                        .sendJsonObject(snapshot("beacon " + i, "final")))
            .toList();
    await(Future.join(beacons));
    assertThat(beacons.stream().filter(f -> f.result().statusCode() == 201)).hasSize(1);
    List<HttpResponse<Buffer>> refused =
        beacons.stream().map(Future::result).filter(r -> r.statusCode() == 409).toList();
    assertThat(refused).hasSize(4);
    assertThat(refused.get(0).bodyAsJsonObject().getString("code"))
        .isEqualTo("final_snapshot_exists");
    assertThat(
            user.get("/api/sessions/" + id)
                .bodyAsJsonObject()
                .getJsonObject("latestSnapshot")
                .getString("code"))
        .startsWith("beacon");
  }

  @Test
  @DisplayName("a bad snapshot body is one 400 listing each bad field")
  void validates() {
    TestUser user = TestUser.signup(server);
    UUID id = activeSession(user);
    HttpResponse<Buffer> response =
        user.post(
            "/api/sessions/" + id + "/code",
            new JsonObject()
                .put("code", 42)
                .put("language", "ruby")
                .put("snapshotType", "sometimes")
                .put("extra", true));
    assertThat(response.statusCode()).isEqualTo(400);
    Set<String> fields = new HashSet<>();
    response
        .bodyAsJsonObject()
        .getJsonArray("errors")
        .forEach(e -> fields.add(((JsonObject) e).getString("field")));
    assertThat(fields)
        .containsExactlyInAnyOrder("code", "language", "snapshotType", "timestampMs", "extra");

    HttpResponse<Buffer> nullTimestamp =
        user.post(
            "/api/sessions/" + id + "/code", snapshot("x = 1", "manual").putNull("timestampMs"));
    assertThat(nullTimestamp.statusCode()).isEqualTo(400);
    assertThat(
            nullTimestamp
                .bodyAsJsonObject()
                .getJsonArray("errors")
                .getJsonObject(0)
                .getString("field"))
        .isEqualTo("timestampMs");
    assertThat(snapshots(user, id)).isZero();
  }
}
