package com.interviewroom.edge.web;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.edge.EdgeServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TrackedSkillTest {
  private static EdgeServer server;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  static void start() {
    server = EdgeServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  /** Every text-like column of every table, cast to text, searched for {@code needle}. */
  private List<String> tablesContaining(String needle) {
    return await(server.db.asService(sql -> sql.query("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')""").execute()
        .compose(columns -> {
          List<String> hits = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (Row column : columns) {
            String where = column.getString("table_name") + "." + column.getString("column_name");
            String query = "SELECT count(*) AS n FROM " + column.getString("table_name")
                + " WHERE strpos(\"" + column.getString("column_name") + "\"::text, $1) > 0";
            chain = chain.compose(done -> sql.preparedQuery(query).execute(Tuple.of(needle)).map(rows -> {
              if (rows.iterator().next().getLong("n") > 0) {
                hits.add(where);
              }
              return null;
            }));
          }
          return chain.map(done -> hits);
        })));
  }

  private List<String> logLinesContaining(String needle) {
    return logs.list.stream()
        .map(e -> e.getFormattedMessage() + " " + Arrays.toString(e.getArgumentArray()) + " " + e.getMDCPropertyMap()
            + " " + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .filter(line -> line.contains(needle))
        .toList();
  }

  @Test
  @DisplayName("a raw X-Tracked-Skill-Id never reaches any table or log line; only its SHA-256 is in the events")
  void rawIdNeverStored() {
    String raw = "skill-raw-" + UUID.randomUUID();
    JsonObject session = server.signup();
    UUID userId = UUID.fromString(session.getJsonObject("user").getString("id"));
    HttpResponse<Buffer> patched = await(server.client.patch("/api/users/profile")
        .putHeader("Authorization", EdgeServer.bearer(session)).putHeader(TrackedSkill.HEADER, raw)
        .sendJsonObject(new JsonObject().put("displayName", "Grace")));
    assertThat(patched.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> exported = await(server.client.get("/api/users/data-export")
        .putHeader("Authorization", EdgeServer.bearer(session)).putHeader(TrackedSkill.HEADER, raw).send());
    assertThat(exported.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> failed = await(server.client.patch("/api/users/profile")
        .putHeader("Authorization", EdgeServer.bearer(session)).putHeader(TrackedSkill.HEADER, raw)
        .sendJsonObject(new JsonObject().put("credits", 99)));
    assertThat(failed.statusCode()).isEqualTo(400);

    assertThat(exported.bodyAsString()).doesNotContain(raw);
    assertThat(tablesContaining(raw)).isEmpty();
    assertThat(logs.list).as("the access log did capture these requests").isNotEmpty();
    assertThat(logLinesContaining(raw)).isEmpty();
    assertThat(await(server.redis.send(Request.cmd(Command.KEYS).arg("*" + raw + "*"))).size())
        .as("no Redis key holds the raw id").isZero();

    List<String> hashes = await(server.db.asService(sql -> sql.preparedQuery(
            "SELECT tracked_skill_id_hash FROM events WHERE user_id = $1 ORDER BY id").execute(Tuple.of(userId))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(row -> out.add(row.getString("tracked_skill_id_hash")));
          return out;
        })));
    assertThat(hashes).containsExactly(Hashing.sha256Hex(raw), Hashing.sha256Hex(raw));
    assertThat(tablesContaining(Hashing.sha256Hex(raw))).containsExactly("events.tracked_skill_id_hash");
  }

  @Test
  @DisplayName("an over-long X-Tracked-Skill-Id is a 400 naming the header without echoing its value")
  void overLongIdRefused() {
    JsonObject session = server.signup();
    String raw = "long-" + UUID.randomUUID() + "x".repeat(200);
    HttpResponse<Buffer> response = await(server.client.get("/api/users/profile")
        .putHeader("Authorization", EdgeServer.bearer(session)).putHeader(TrackedSkill.HEADER, raw).send());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(TrackedSkill.HEADER);
    assertThat(response.bodyAsString()).doesNotContain(raw);
    assertThat(logLinesContaining(raw)).isEmpty();

    String max = "m".repeat(TrackedSkill.MAX_LENGTH);
    assertThat(await(server.client.get("/api/users/profile").putHeader("Authorization", EdgeServer.bearer(session))
        .putHeader(TrackedSkill.HEADER, max).send()).statusCode()).isEqualTo(200);
  }
}
