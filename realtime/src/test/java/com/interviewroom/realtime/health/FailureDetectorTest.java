package com.interviewroom.realtime.health;

import static com.interviewroom.testkit.Await.await;
import static com.interviewroom.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.worker.EntryHandler;
import com.interviewroom.realtime.worker.WorkerSettings;
import com.interviewroom.realtime.worker.WorkerVerticle;
import com.interviewroom.schema.console.FailureStore;
import com.interviewroom.testkit.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The failure detector as deployed: a consumer group on a stream of its own and on that stream's
 * dead letters, over real Redis and a fresh database. Events go in with XADD as their publishers
 * write them; what comes out is read from {@code failures}, {@code session_health} and the alert
 * outbox.
 */
class FailureDetectorTest {
  private static Vertx vertx;
  private static Redis redis;
  private static VoiceDb voiceDb;
  private static String stream;
  private static String evaluators;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestRedis.url()));
    voiceDb = new VoiceDb(vertx);
    await(
        voiceDb
            .db
            .pool()
            .query(
                "UPDATE console_settings SET slack_webhook_url = 'http://127.0.0.1:9/services/T/B/X', health_below = 50,"
                    + " failure_rate_threshold = 1")
            .execute());
    stream = "fd-events-" + UUID.randomUUID();
    evaluators = "fd-evaluators-" + UUID.randomUUID();
    Config.Console thresholds = new Config.Console(null, 3, 20_000, 3_000, 3, 2_000);
    FailureDetector detector =
        new FailureDetector(
            new FailureStore(voiceDb.db, "http://localhost:8080"), redis, thresholds, evaluators);
    WorkerSettings mine =
        WorkerSettings.defaults(stream, FailureDetector.GROUP).withClaims(200, 100);
    await(
        vertx.deployVerticle(
            new WorkerVerticle(mine, TestRedis.url(), redis, detector, new SimpleMeterRegistry())));
    await(
        vertx.deployVerticle(
            new WorkerVerticle(
                WorkerSettings.defaults(mine.deadLetters(), FailureDetector.GROUP)
                    .withClaims(200, 100),
                TestRedis.url(),
                redis,
                detector,
                new SimpleMeterRegistry())));
    // an evaluator group whose every call fails (the edge answering 500): its entries end in the
    // dead-letter stream
    EntryHandler failing =
        (entry, group) ->
            EventStream.SESSION_ENDED.equals(entry.type())
                    && "completed".equals(entry.data().getString("status"))
                ? Future.failedFuture(new IllegalStateException("internal API answered 500"))
                : Future.succeededFuture();
    await(
        vertx.deployVerticle(
            new WorkerVerticle(
                WorkerSettings.defaults(stream, evaluators)
                    .withClaims(200, 100)
                    .withMaxDeliveries(2),
                TestRedis.url(),
                redis,
                failing,
                new SimpleMeterRegistry())));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "an errored end, a provider lost for good, silence and a dead-lettered evaluation become failures of their kinds, with health and alerts")
  void failuresOfEachKind() throws Exception {
    UUID errored = session();
    publish(
        EventStream.VOICE_UNAVAILABLE,
        errored,
        new JsonObject().put("provider", "openai").put("reason", "connect_failed"));
    publish(
        EventStream.SESSION_ENDED,
        errored,
        new JsonObject().put("status", "errored").put("reason", "provider_unavailable"));
    UUID silent = session();
    publish(EventStream.VOICE_SILENCE, silent, new JsonObject().put("silentMs", 20_001));
    UUID unevaluated = session();
    publish(EventStream.SESSION_ENDED, unevaluated, new JsonObject().put("status", "completed"));

    eventually(
        "each session's failures recorded",
        () ->
            kinds(errored).size() == 2
                && kinds(silent).size() == 1
                && kinds(unevaluated).size() == 1);
    assertThat(kinds(errored))
        .containsExactlyInAnyOrder("provider_unavailable", "session_errored_refunded");
    assertThat(kinds(silent)).containsExactly("interviewer_silent");
    assertThat(kinds(unevaluated)).containsExactly("evaluation_dead_lettered");
    assertThat(health(errored)).isEqualTo(40); // two high-severity failures: 100 - 30 - 30
    Row evidence =
        one("SELECT evidence, severity, status FROM failures WHERE session_id = $1", unevaluated);
    assertThat(evidence.getString("severity")).isEqualTo("high");
    assertThat(evidence.getString("status")).isEqualTo("open");
    assertThat(
            ((JsonObject) evidence.getValue("evidence")).getJsonObject("data").getString("group"))
        .isEqualTo(evaluators);

    // each high-severity failure queues one alert, and the errored session crossing below 50 one
    // more
    List<String> keys = alerts(errored);
    assertThat(keys).hasSize(3).contains("health:" + errored);
    assertThat(keys.stream().filter(k -> k.startsWith("failure:"))).hasSize(2);
  }

  @Test
  @DisplayName(
      "counted signals fail only past their threshold; a slow first audio fails, a resumed one does not")
  void thresholds() throws Exception {
    UUID bargy = session();
    publish(EventStream.VOICE_BARGE_IN, bargy, new JsonObject().put("count", 1));
    publish(EventStream.VOICE_BARGE_IN, bargy, new JsonObject().put("count", 2));
    UUID drops = session();
    for (int i = 0; i < 3; i++) {
      publish(EventStream.SOCKET_DROPPED, drops, new JsonObject().put("closeCode", 1006));
    }
    UUID slow = session();
    publish(
        EventStream.VOICE_FIRST_AUDIO,
        slow,
        new JsonObject().put("latencyMs", 3_500).put("resumed", false));
    UUID resumed = session();
    publish(
        EventStream.VOICE_FIRST_AUDIO,
        resumed,
        new JsonObject().put("latencyMs", 9_000).put("resumed", true));
    UUID fast = session();
    publish(
        EventStream.VOICE_FIRST_AUDIO,
        fast,
        new JsonObject().put("latencyMs", 900).put("resumed", false));
    eventually("the slow session's failure", () -> kinds(slow).size() == 1);
    Thread.sleep(500);
    assertThat(kinds(bargy)).isEmpty();
    assertThat(kinds(drops)).isEmpty();
    assertThat(kinds(resumed)).isEmpty();
    assertThat(kinds(fast)).isEmpty();
    assertThat(kinds(slow)).containsExactly("slow_first_audio");

    publish(EventStream.VOICE_BARGE_IN, bargy, new JsonObject().put("count", 3));
    publish(EventStream.SOCKET_DROPPED, drops, new JsonObject().put("closeCode", 1006));
    eventually(
        "the barge-ins and the drops", () -> kinds(bargy).size() == 1 && kinds(drops).size() == 1);
    assertThat(kinds(bargy)).containsExactly("repeated_barge_ins");
    assertThat(kinds(drops)).containsExactly("socket_drops");
    assertThat(health(bargy)).isEqualTo(95);
    assertThat(alerts(bargy)).isEmpty(); // low severity, health still above 50
  }

  @Test
  @DisplayName(
      "the same failure again (a redelivery, a second failover in the window) is one row; health counts it once")
  void deduplicated() throws Exception {
    UUID session = session();
    String id =
        publish(
            EventStream.VOICE_FAILOVER,
            session,
            new JsonObject().put("provider", "gemini").put("reason", "closed"));
    publish(
        EventStream.VOICE_FAILOVER,
        session,
        new JsonObject().put("provider", "openai").put("reason", "closed"));
    eventually("the session's failure", () -> kinds(session).size() == 1);
    // the very entry handled again, as after a crash between the commit and the XACK
    FailureDetector again =
        new FailureDetector(
            new FailureStore(voiceDb.db, "http://localhost:8080"),
            redis,
            Config.Console.DEFAULTS,
            evaluators);
    await(
        again.handle(
            new com.interviewroom.realtime.worker.StreamEntry(
                id,
                java.util.Map.of(
                    "type",
                    EventStream.VOICE_FAILOVER,
                    "sessionId",
                    session.toString(),
                    "data",
                    "{}")),
            FailureDetector.GROUP));
    Thread.sleep(300);
    assertThat(kinds(session)).containsExactly("provider_failover");
    assertThat(health(session)).isEqualTo(85);
    // a counted signal redelivered is counted once: two deliveries of one barge-in are not two
    // barge-ins
    UUID counted = session();
    com.interviewroom.realtime.worker.StreamEntry bargeIn =
        new com.interviewroom.realtime.worker.StreamEntry(
            "1-1",
            java.util.Map.of(
                "type", EventStream.VOICE_BARGE_IN, "sessionId", counted.toString(), "data", "{}"));
    for (int i = 0; i < 5; i++) {
      await(again.handle(bargeIn, FailureDetector.GROUP));
    }
    assertThat(kinds(counted)).isEmpty();
  }

  private static UUID session() {
    return await(voiceDb.chargedSession()).sessionId();
  }

  private static String publish(String type, UUID session, JsonObject data) {
    return await(
            redis.send(
                Request.cmd(Command.XADD)
                    .arg(stream)
                    .arg("*")
                    .arg("type")
                    .arg(type)
                    .arg("sessionId")
                    .arg(session.toString())
                    .arg("userId")
                    .arg("")
                    .arg("requestId")
                    .arg("test")
                    .arg("data")
                    .arg(data.encode())))
        .toString();
  }

  private static List<String> kinds(UUID session) {
    List<String> out = new ArrayList<>();
    await(
            voiceDb
                .db
                .pool()
                .preparedQuery("SELECT kind FROM failures WHERE session_id = $1 ORDER BY id")
                .execute(Tuple.of(session)))
        .forEach(r -> out.add(r.getString("kind")));
    return out;
  }

  private static List<String> alerts(UUID session) {
    List<String> out = new ArrayList<>();
    await(
            voiceDb
                .db
                .pool()
                .preparedQuery("SELECT dedup_key FROM alert_deliveries WHERE session_id = $1")
                .execute(Tuple.of(session)))
        .forEach(r -> out.add(r.getString("dedup_key")));
    return out;
  }

  private static int health(UUID session) {
    return one("SELECT score FROM session_health WHERE session_id = $1", session)
        .getInteger("score");
  }

  private static Row one(String sql, UUID session) {
    return await(voiceDb.db.pool().preparedQuery(sql).execute(Tuple.of(session))).iterator().next();
  }
}
