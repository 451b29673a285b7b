package com.interviewroom.realtime.worker;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.realtime.code.CodeSync;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The evaluator group's handler against a real HTTP listener standing in for the internal API. */
class AgentHandlersTest {
  private static Vertx vertx;
  private static HttpServer internal;
  private static final List<String> calls = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> bodies = new CopyOnWriteArrayList<>();

  /** What the stand-in internal API answers an evaluation. */
  private static volatile String evaluationReply = "{\"status\":\"completed\"}";

  private static EntryHandler evaluator;
  private static EntryHandler observer;
  private static Redis redis;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    internal =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              calls.add(req.path());
                              bodies.add(body.toJsonObject());
                              req.response()
                                  .putHeader("Content-Type", "application/json")
                                  .end(evaluationReply);
                            }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    InternalClient client =
        new InternalClient(
            vertx,
            "http://127.0.0.1:" + internal.actualPort(),
            "secret",
            Clock.systemUTC(),
            10_000);
    evaluator = AgentHandlers.evaluator(client);
    redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestRedis.url()));
    observer = AgentHandlers.observer(client, redis);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clear() {
    calls.clear();
    bodies.clear();
  }

  @Test
  @DisplayName(
      "a completed session's end is evaluated; abandoned and errored ends are acknowledged without a call")
  void onlyCompletedSessionsAreEvaluated() throws Exception {
    handle(ended("completed"));
    assertThat(calls).containsExactly(AgentHandlers.EVALUATE);

    calls.clear();
    handle(ended("abandoned"));
    handle(ended("errored"));
    assertThat(calls).isEmpty();
  }

  @Test
  @DisplayName(
      "an evaluation the edge stored as failed is announced as evaluation.failed on the events stream")
  void failedEvaluationsAreAnnounced() throws Exception {
    InternalClient client =
        new InternalClient(
            vertx,
            "http://127.0.0.1:" + internal.actualPort(),
            "secret",
            Clock.systemUTC(),
            10_000);
    EntryHandler announcing = AgentHandlers.evaluator(client, new EventStream(redis));
    StreamEntry ended = ended("completed");
    evaluationReply = "{\"status\":\"failed\",\"error\":\"api_error (500)\"}";
    try {
      await(announcing.handle(ended, "evaluator-workers"));
    } finally {
      evaluationReply = "{\"status\":\"completed\"}";
    }
    var entries =
        await(
            redis.send(
                Request.cmd(Command.XREVRANGE)
                    .arg(EventStream.STREAM)
                    .arg("+")
                    .arg("-")
                    .arg("COUNT")
                    .arg(100)));
    assertThat(
            entries.stream()
                .anyMatch(
                    e ->
                        e.get(1).toString().contains(EventStream.EVALUATION_FAILED)
                            && e.get(1).toString().contains(ended.sessionId().toString())
                            && e.get(1).toString().contains("api_error (500)")))
        .isTrue();
    // a completed one is not
    StreamEntry fine = ended("completed");
    await(announcing.handle(fine, "evaluator-workers"));
    var after =
        await(
            redis.send(
                Request.cmd(Command.XREVRANGE)
                    .arg(EventStream.STREAM)
                    .arg("+")
                    .arg("-")
                    .arg("COUNT")
                    .arg(100)));
    assertThat(
            after.stream().anyMatch(e -> e.get(1).toString().contains(fine.sessionId().toString())))
        .isFalse();
  }

  @Test
  @DisplayName("an end announced without a status (older entries) is still evaluated")
  void entriesWithoutStatusAreEvaluated() throws Exception {
    handle(
        new StreamEntry(
            "1-0",
            Map.of(
                "type",
                EventStream.SESSION_ENDED,
                "sessionId",
                UUID.randomUUID().toString(),
                "data",
                "{}")));
    assertThat(calls).containsExactly(AgentHandlers.EVALUATE);
  }

  @Test
  @DisplayName(
      "code.edited carries only a hash: the observer is sent the session's latest code from its Redis key")
  void observerReadsTheLatestCode() throws Exception {
    UUID session = UUID.randomUUID();
    await(
        redis.send(
            Request.cmd(Command.SET)
                .arg(CodeSync.key(session))
                .arg(
                    new JsonObject()
                        .put("code", "def f():\n  return 2")
                        .put("language", "python")
                        .encode())
                .arg("PX")
                .arg(60_000)));
    try {
      observer
          .handle(edited(session), "observer-workers")
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertThat(calls).containsExactly(AgentHandlers.OBSERVE);
      assertThat(bodies.get(0).getString("code")).isEqualTo("def f():\n  return 2");
      assertThat(bodies.get(0).getString("language")).isEqualTo("python");
      assertThat(bodies.get(0).getString("sessionId")).isEqualTo(session.toString());
      assertThat(bodies.get(0).getString("userId"))
          .as("the runner limits observer compiles per user")
          .isEqualTo(USER.toString());
    } finally {
      await(redis.send(Request.cmd(Command.DEL).arg(CodeSync.key(session))));
    }
  }

  @Test
  @DisplayName(
      "a code.edited of a session whose code key is gone (ended) is acknowledged without a call")
  void observerSkipsEndedSessions() throws Exception {
    observer
        .handle(edited(UUID.randomUUID()), "observer-workers")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(calls).isEmpty();
  }

  private static final UUID USER = UUID.randomUUID();

  private static StreamEntry edited(UUID session) {
    return new StreamEntry(
        "1-0",
        Map.of(
            "type",
            EventStream.CODE_EDITED,
            "sessionId",
            session.toString(),
            "userId",
            USER.toString(),
            "data",
            new JsonObject()
                .put("language", "python")
                .put("codeLength", 20)
                .put("codeSha256", "x")
                .encode()));
  }

  private static StreamEntry ended(String status) {
    return new StreamEntry(
        "1-0",
        Map.of(
            "type",
            EventStream.SESSION_ENDED,
            "sessionId",
            UUID.randomUUID().toString(),
            "data",
            new JsonObject().put("status", status).put("reason", "time_up").encode()));
  }

  private static void handle(StreamEntry entry) throws Exception {
    Future<Void> done = evaluator.handle(entry, "evaluator-workers");
    done.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
