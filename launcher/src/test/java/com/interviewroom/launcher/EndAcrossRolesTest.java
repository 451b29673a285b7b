package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.TestAuthLimits;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes' worth of the system in one JVM, as production deploys them: {@code ROLE=edge}
 * (REST) and {@code ROLE=realtime} (the gateway), sharing only Postgres, Redis, the object store
 * and the data directory's signing key. Nothing in memory connects them.
 */
class EndAcrossRolesTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dataDir;

  private String databaseUrl;
  private String redisUrl;
  private RunningSystem edge;
  private RunningSystem realtime;
  private int edgePort;
  private int realtimePort;
  private ApiClient api;

  @BeforeEach
  void start() throws Exception {
    databaseUrl = TestDatabase.freshDatabaseUrl();
    // a logical database of our own for the fixed-name events stream
    redisUrl = TestRedis.isolatedUrl();
    edgePort = FreePort.find();
    realtimePort = FreePort.find();
    // one issuer name for both, so the gateway trusts the edge's socket tokens
    String publicUrl = "http://localhost:" + edgePort;
    Map<String, String> shared =
        Map.of(
            "DATA_DIR", dataDir.toString(),
            "DATABASE_URL", databaseUrl,
            "REDIS_URL", redisUrl,
            "PUBLIC_BASE_URL", publicUrl);
    Map<String, String> edgeEnv = new HashMap<>(shared);
    edgeEnv.putAll(TestAuthLimits.RAISED);
    edgeEnv.putAll(
        Map.of(
            "ROLE",
            "edge",
            "PORT",
            String.valueOf(edgePort),
            "INTERNAL_PORT",
            String.valueOf(FreePort.find())));
    edge = Launcher.start(Config.from(edgeEnv));
    Map<String, String> realtimeEnv = new HashMap<>(shared);
    realtimeEnv.putAll(
        Map.of(
            "ROLE",
            "realtime",
            "PORT",
            String.valueOf(realtimePort),
            "INTERNAL_PORT",
            String.valueOf(FreePort.find()),
            "S3_ENDPOINT",
            edge.config().s3().endpoint()));
    realtime = Launcher.start(Config.from(realtimeEnv));
    api = new ApiClient(edgePort);
  }

  @AfterEach
  void stop() {
    try {
      if (realtime != null) {
        realtime.close();
      }
    } finally {
      try {
        if (edge != null) {
          edge.close();
        }
      } finally {
        TestDatabase.drop(databaseUrl);
      }
    }
  }

  @Test
  @DisplayName(
      "POST /api/sessions/{id}/end on the edge ends a socket the realtime role holds: session.ended, close 1000, the final code, one session.ended entry")
  void restEndReachesTheRealtimeRole() throws Exception {
    String bearer = api.signup("roles").getString("accessToken");
    JsonObject start = api.startSession(bearer);
    String sessionId = start.getString("sessionId");

    WebSocketClient wsClient = realtime.vertx().createWebSocketClient();
    try {
      LinkedBlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
      CompletableFuture<Short> closed = new CompletableFuture<>();
      WebSocket ws =
          await(
              wsClient
                  .connect(
                      new WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(realtimePort)
                          .setURI("/ws")
                          .setSubProtocols(List.of("interview.v1", start.getString("wsToken"))))
                  .onSuccess(
                      socket -> {
                        socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
                        socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
                      }));
      assertThat(next(messages, "session.ready").getString("sessionId")).isEqualTo(sessionId);
      String code = "def twoSum(nums, target):\n    return [0, 1]\n";
      await(
          ws.writeTextMessage(
              new JsonObject()
                  .put("type", "code_edit")
                  .put("code", code)
                  .put("language", "python")
                  .encode()));
      await(ws.writeTextMessage(new JsonObject().put("type", "session.ping").encode()));
      next(messages, "pong");

      HttpResponse<String> ended =
          api.post("/api/sessions/" + sessionId + "/end", bearer, new JsonObject());
      assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
      assertThat(next(messages, "session.ended").getString("reason")).isEqualTo("ended_by_user");
      assertThat(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo((short) 1000);

      Database db = Database.connect(realtime.vertx(), databaseUrl, 2);
      try {
        List<Row> finals = new ArrayList<>();
        await(
                db.pool()
                    .preparedQuery(
                        "SELECT code FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final'")
                    .execute(Tuple.of(UUID.fromString(sessionId))))
            .forEach(finals::add);
        assertThat(finals).hasSize(1);
        assertThat(finals.getFirst().getString("code")).isEqualTo(code);
      } finally {
        await(db.close());
      }
      assertThat(endedEntries(sessionId))
          .as("exactly one session.ended on the stream")
          .isEqualTo(1);
    } finally {
      await(wsClient.close());
    }
  }

  private long endedEntries(String sessionId) {
    Redis redis = Redis.createClient(realtime.vertx(), redisUrl);
    try {
      Response entries =
          await(redis.send(Request.cmd(Command.XRANGE).arg(EventStream.STREAM).arg("-").arg("+")));
      long count = 0;
      for (Response entry : entries) {
        Response fields = entry.get(1);
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
          values.put(fields.get(i).toString(), fields.get(i + 1).toString());
        }
        if (sessionId.equals(values.get("sessionId"))
            && EventStream.SESSION_ENDED.equals(values.get("type"))) {
          count++;
        }
      }
      return count;
    } finally {
      redis.close();
    }
  }

  private static JsonObject next(LinkedBlockingQueue<JsonObject> messages, String type)
      throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < until) {
      JsonObject message = messages.poll(100, TimeUnit.MILLISECONDS);
      if (message != null && type.equals(message.getString("type"))) {
        return message;
      }
    }
    throw new AssertionError("no " + type + " message within " + WAIT);
  }
}
