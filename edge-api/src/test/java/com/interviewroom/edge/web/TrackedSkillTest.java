package com.interviewroom.edge.web;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.edge.DatabaseScan;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.session.TestSessions;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.testkit.CapturedLogs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrackedSkillTest {
  private static final String SECRET = "tracked-skill-test-secret-0123456789abcdef";
  private static EdgeServer server;
  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  @BeforeAll
  static void start() {
    server = EdgeServer.start(java.util.Map.of("TRACKED_SKILL_SECRET", SECRET));
    await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private List<String> tablesContaining(String needle) {
    return DatabaseScan.columnsContaining(server, needle);
  }

  private List<String> logLinesContaining(String needle) {
    return logs.list.stream()
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
        .filter(line -> line.contains(needle))
        .toList();
  }

  /**
   * Every field name and value of every entry of the Redis stream {@code events} that contains
   * {@code needle}.
   */
  private List<String> streamEntriesContaining(String needle) {
    List<String> hits = new ArrayList<>();
    Response entries =
        await(
            server.redis.send(
                Request.cmd(Command.XRANGE).arg(EventStream.STREAM).arg("-").arg("+")));
    for (Response entry : entries) {
      for (Response part : entry.get(1)) {
        if (part.toString().contains(needle)) {
          hits.add(entry.get(0) + " " + part);
        }
      }
    }
    return hits;
  }

  private String streamEntry(String type, UUID sessionId) {
    Response entries =
        await(
            server.redis.send(
                Request.cmd(Command.XRANGE).arg(EventStream.STREAM).arg("-").arg("+")));
    for (Response entry : entries) {
      String fields = entry.get(1).toString();
      if (fields.contains(type) && fields.contains(sessionId.toString())) {
        return fields;
      }
    }
    return null;
  }

  @Test
  @DisplayName(
      "through a session start, snapshot and end the raw id reaches no table, log line, Redis key or stream entry")
  void rawIdNeverStoredThroughASession() {
    String raw = "skill-raw-" + UUID.randomUUID();
    JsonObject account = server.signup();
    String authorization = EdgeServer.bearer(account);
    HttpResponse<Buffer> started =
        await(
            server
                .client
                .post("/api/sessions/start")
                .putHeader("Authorization", authorization)
                .putHeader(TrackedSkill.HEADER, raw)
                .sendJsonObject(
                    new JsonObject().put("problemSlug", "two-sum").put("language", "python")));
    assertThat(started.statusCode()).isEqualTo(201);
    UUID sessionId = UUID.fromString(started.bodyAsJsonObject().getString("sessionId"));
    TestSessions.activate(server, sessionId);
    HttpResponse<Buffer> snapshot =
        await(
            server
                .client
                .post("/api/sessions/" + sessionId + "/code")
                .putHeader("Authorization", authorization)
                .putHeader(TrackedSkill.HEADER, raw)
                .sendJsonObject(
                    new JsonObject()
                        .put("code", "x = 1")
                        .put("language", "python")
                        .put("snapshotType", "auto")
                        .put("timestampMs", System.currentTimeMillis())));
    assertThat(snapshot.statusCode()).isEqualTo(201);
    HttpResponse<Buffer> ended =
        await(
            server
                .client
                .post("/api/sessions/" + sessionId + "/end")
                .putHeader("Authorization", authorization)
                .putHeader(TrackedSkill.HEADER, raw)
                .send());
    assertThat(ended.statusCode()).isEqualTo(200);

    assertThat(streamEntry(EventStream.SESSION_ENDED, sessionId))
        .as("the stream was written")
        .isNotNull();
    assertThat(streamEntriesContaining(raw)).isEmpty();
    assertThat(tablesContaining(raw)).isEmpty();
    assertThat(logLinesContaining(raw)).isEmpty();
    assertThat(await(server.redis.send(Request.cmd(Command.KEYS).arg("*" + raw + "*"))).size())
        .isZero();

    List<String> kinds =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery(
                            "SELECT kind FROM events WHERE session_id = $1 AND tracked_skill_id_hash = $2 ORDER BY id")
                        .execute(Tuple.of(sessionId, hmac(raw)))
                        .map(
                            rows -> {
                              List<String> out = new ArrayList<>();
                              rows.forEach(row -> out.add(row.getString("kind")));
                              return out;
                            })));
    // session.activated comes from the realtime side, which never sees the header: it files under
    // the session's skill all the same (V11 copies the session's hash onto its events)
    assertThat(kinds)
        .containsExactly(
            "session.created", "session.activated", "code.snapshot", "session.completed");
  }

  @Test
  @DisplayName(
      "a raw X-Tracked-Skill-Id never reaches any table or log line; only its HMAC-SHA-256 is in the events, never its plain SHA-256")
  void rawIdNeverStored() {
    String raw = "skill-raw-" + UUID.randomUUID();
    JsonObject session = server.signup();
    UUID userId = UUID.fromString(session.getJsonObject("user").getString("id"));
    HttpResponse<Buffer> patched =
        await(
            server
                .client
                .patch("/api/users/profile")
                .putHeader("Authorization", EdgeServer.bearer(session))
                .putHeader(TrackedSkill.HEADER, raw)
                .sendJsonObject(new JsonObject().put("displayName", "Grace")));
    assertThat(patched.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> exported =
        await(
            server
                .client
                .get("/api/users/data-export")
                .putHeader("Authorization", EdgeServer.bearer(session))
                .putHeader(TrackedSkill.HEADER, raw)
                .send());
    assertThat(exported.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> failed =
        await(
            server
                .client
                .patch("/api/users/profile")
                .putHeader("Authorization", EdgeServer.bearer(session))
                .putHeader(TrackedSkill.HEADER, raw)
                .sendJsonObject(new JsonObject().put("credits", 99)));
    assertThat(failed.statusCode()).isEqualTo(400);

    assertThat(exported.bodyAsString()).doesNotContain(raw);
    assertThat(tablesContaining(raw)).isEmpty();
    assertThat(logs.list).as("the access log did capture these requests").isNotEmpty();
    assertThat(logLinesContaining(raw)).isEmpty();
    assertThat(await(server.redis.send(Request.cmd(Command.KEYS).arg("*" + raw + "*"))).size())
        .as("no Redis key holds the raw id")
        .isZero();

    List<String> hashes =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery(
                            "SELECT tracked_skill_id_hash FROM events WHERE user_id = $1 AND kind <> 'user.created' ORDER BY id")
                        .execute(Tuple.of(userId))
                        .map(
                            rows -> {
                              List<String> out = new ArrayList<>();
                              rows.forEach(row -> out.add(row.getString("tracked_skill_id_hash")));
                              return out;
                            })));
    assertThat(hashes).containsExactly(hmac(raw), hmac(raw));
    assertThat(tablesContaining(hmac(raw))).containsExactly("events.tracked_skill_id_hash");
    // a guessable id cannot be found by hashing candidates without the server's key
    assertThat(tablesContaining(Hashing.sha256Hex(raw))).isEmpty();
  }

  @Test
  @DisplayName(
      "without TRACKED_SKILL_SECRET the key is derived from INTERNAL_WEBHOOK_SECRET, so every node of a deployment agrees")
  void keyDerivedFromTheInternalSecret() {
    String internal = "internal-secret-for-derivation-0123456789";
    var config =
        com.interviewroom.common.config.Config.from(
            java.util.Map.of("INTERNAL_WEBHOOK_SECRET", internal));
    assertThat(TrackedSkill.create(config).hash("skill-1"))
        .isEqualTo(TrackedSkill.create(config).hash("skill-1"))
        .isNotEqualTo(Hashing.sha256Hex("skill-1"))
        .isNotEqualTo(new TrackedSkill(internal).hash("skill-1"));
  }

  private static String hmac(String raw) {
    return com.interviewroom.common.crypto.Hmac.sha256Hex(
        SECRET, "", raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName(
      "an over-long X-Tracked-Skill-Id is a 400 naming the header without echoing its value")
  void overLongIdRefused() {
    JsonObject session = server.signup();
    String raw = "long-" + UUID.randomUUID() + "x".repeat(200);
    HttpResponse<Buffer> response =
        await(
            server
                .client
                .get("/api/users/profile")
                .putHeader("Authorization", EdgeServer.bearer(session))
                .putHeader(TrackedSkill.HEADER, raw)
                .send());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(
            response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo(TrackedSkill.HEADER);
    assertThat(response.bodyAsString()).doesNotContain(raw);
    assertThat(logLinesContaining(raw)).isEmpty();

    String max = "m".repeat(TrackedSkill.MAX_LENGTH);
    assertThat(
            await(
                    server
                        .client
                        .get("/api/users/profile")
                        .putHeader("Authorization", EdgeServer.bearer(session))
                        .putHeader(TrackedSkill.HEADER, max)
                        .send())
                .statusCode())
        .isEqualTo(200);
  }
}
