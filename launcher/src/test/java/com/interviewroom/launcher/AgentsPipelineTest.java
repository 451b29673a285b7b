package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.auth.LocalIssuer;
import com.interviewroom.common.auth.SigningKey;
import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.config.Config;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.common.observability.Observability;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.edge.internal.InternalVerticle;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.realtime.worker.AgentHandlers;
import com.interviewroom.realtime.worker.WorkerSettings;
import com.interviewroom.realtime.worker.WorkerVerticle;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.FixtureStore;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Stream → worker → signed internal call → evaluator → one stored evaluation, across a worker
 * crash.
 */
class AgentsPipelineTest {
  private static final String SECRET = "pipeline-test-secret-0123456789abcdefgh";
  private Vertx vertx;
  private Database db;
  private Redis redis;
  private String databaseUrl;
  private int internalPort;

  @BeforeEach
  void start() {
    databaseUrl = TestDatabase.freshDatabaseUrl();
    Config config =
        Config.from(
            Map.of(
                "PORT",
                "0",
                "INTERNAL_PORT",
                "0",
                "DATABASE_URL",
                databaseUrl,
                "REDIS_URL",
                TestRedis.url(),
                "INTERNAL_WEBHOOK_SECRET",
                SECRET));
    PrometheusMeterRegistry registry = Observability.newRegistry();
    vertx = Observability.vertx(registry);
    db = Database.connect(vertx, databaseUrl, 4);
    redis = Redis.createClient(vertx, TestRedis.url());
    SigningKey key = SigningKey.generate();
    TokenIssuer issuer = new TokenIssuer(key, "http://localhost:test", Clock.systemUTC());
    EdgeContext edge =
        new EdgeContext(
            config,
            db,
            redis,
            null,
            key,
            issuer,
            new TokenVerifier(
                List.of(new LocalIssuer("http://localhost:test", key)), Clock.systemUTC()),
            registry,
            Clock.systemUTC());
    InternalVerticle internal = new InternalVerticle(edge);
    await(vertx.deployVerticle(internal));
    internalPort = internal.actualPort();
  }

  @AfterEach
  void stop() {
    await(db.close());
    redis.close();
    await(vertx.close());
    TestDatabase.drop(databaseUrl);
  }

  private UUID endedSession() {
    return await(db.asService(sql -> FixtureStore.completedSession(sql, "pipeline")));
  }

  private void publishEnded(String stream, UUID session) {
    await(
        redis.send(
            Request.cmd(Command.XADD)
                .arg(stream)
                .arg("*")
                .arg("type")
                .arg(EventStream.SESSION_ENDED)
                .arg("sessionId")
                .arg(session.toString())
                .arg("userId")
                .arg("")
                .arg("requestId")
                .arg("")
                .arg("data")
                .arg("{}")));
  }

  private long pending(WorkerSettings s) {
    Response summary =
        await(redis.send(Request.cmd(Command.XPENDING).arg(s.stream()).arg(s.group())));
    return summary.get(0).toLong();
  }

  private List<Row> evaluations(UUID session) {
    List<Row> rows = new java.util.ArrayList<>();
    await(
            db.asService(
                sql ->
                    sql.preparedQuery("SELECT status, model FROM evaluations WHERE session_id = $1")
                        .execute(Tuple.of(session))))
        .forEach(rows::add);
    return rows;
  }

  @Test
  @DisplayName(
      "a worker that dies mid-batch loses nothing: another claims its entries and exactly one evaluation is stored")
  void killedWorkerThenOneEvaluation() throws Exception {
    UUID session = endedSession();
    WorkerSettings dyingSettings =
        WorkerSettings.defaults("test-events-" + UUID.randomUUID(), WorkerSettings.EVALUATORS)
            .withConsumer("dying");
    // the dying worker's internal calls go nowhere (a port nothing listens on), so its entries stay
    // pending
    InternalClient nowhere =
        new InternalClient(
            vertx, "http://127.0.0.1:" + FreePort.find(), SECRET, Clock.systemUTC(), 2_000);
    String dying =
        await(
            vertx.deployVerticle(
                new WorkerVerticle(
                    dyingSettings,
                    TestRedis.url(),
                    redis,
                    AgentHandlers.evaluator(nowhere),
                    Observability.newRegistry())));
    publishEnded(dyingSettings.stream(), session);
    publishEnded(dyingSettings.stream(), session); // a duplicate event for the same session
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (pending(dyingSettings) < 2) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(50);
    }
    await(vertx.undeploy(dying));
    assertThat(evaluations(session)).isEmpty();

    InternalClient real =
        new InternalClient(
            vertx, "http://127.0.0.1:" + internalPort, SECRET, Clock.systemUTC(), 30_000);
    WorkerSettings survivorSettings = dyingSettings.withConsumer("survivor").withClaims(300, 100);
    String survivor =
        await(
            vertx.deployVerticle(
                new WorkerVerticle(
                    survivorSettings,
                    TestRedis.url(),
                    redis,
                    AgentHandlers.evaluator(real),
                    Observability.newRegistry())));
    while (pending(survivorSettings) > 0) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(50);
    }
    List<Row> stored = evaluations(session);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).getString("status")).isEqualTo("completed");
    assertThat(stored.get(0).getString("model")).isEqualTo("heuristic");
    await(vertx.undeploy(survivor));
  }

  @Test
  @DisplayName(
      "code.edited events reach the observer; the rate-limited twin (429) is acknowledged as done, not retried")
  void observerEventsAreAcknowledged() throws Exception {
    UUID session = UUID.randomUUID();
    WorkerSettings settings =
        WorkerSettings.defaults("test-events-" + UUID.randomUUID(), WorkerSettings.OBSERVERS)
            .withClaims(300, 100);
    InternalClient real =
        new InternalClient(
            vertx, "http://127.0.0.1:" + internalPort, SECRET, Clock.systemUTC(), 30_000);
    String worker =
        await(
            vertx.deployVerticle(
                new WorkerVerticle(
                    settings,
                    TestRedis.url(),
                    redis,
                    AgentHandlers.observer(real, redis),
                    Observability.newRegistry())));
    String lastId = null;
    for (String code : List.of("def a(:\n  pass", "def b(:\n  pass")) {
      lastId =
          await(
                  redis.send(
                      Request.cmd(Command.XADD)
                          .arg(settings.stream())
                          .arg("*")
                          .arg("type")
                          .arg(EventStream.CODE_EDITED)
                          .arg("sessionId")
                          .arg(session.toString())
                          .arg("userId")
                          .arg("")
                          .arg("requestId")
                          .arg("")
                          .arg("data")
                          .arg(
                              new io.vertx.core.json.JsonObject()
                                  .put("code", code)
                                  .put("language", "python")
                                  .encode())))
              .toString();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String delivered;
    do {
      Thread.sleep(50);
      assertThat(System.nanoTime()).isLessThan(deadline);
      // last-delivered-id exists since Redis 5 (entries-read only since 7): both entries were read
      // once it is the last one
      delivered =
          await(redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(settings.stream())))
              .get(0)
              .get("last-delivered-id")
              .toString();
    } while (!delivered.equals(lastId) || pending(settings) > 0);
    Thread.sleep(800);
    assertThat(pending(settings)).isZero();
    assertThat(
            await(redis.send(Request.cmd(Command.EXISTS).arg(settings.deadLetters()))).toInteger())
        .isZero();
    await(vertx.undeploy(worker));
  }
}
