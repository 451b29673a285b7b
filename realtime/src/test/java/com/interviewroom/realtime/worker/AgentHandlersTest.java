package com.interviewroom.realtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.internal.InternalClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
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
  private static EntryHandler evaluator;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    internal = vertx.createHttpServer()
        .requestHandler(req -> {
          calls.add(req.path());
          req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"completed\"}");
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    InternalClient client = new InternalClient(vertx, "http://127.0.0.1:" + internal.actualPort(), "secret",
        Clock.systemUTC(), 10_000);
    evaluator = AgentHandlers.evaluator(client);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clear() {
    calls.clear();
  }

  @Test
  @DisplayName("a completed session's end is evaluated; abandoned and errored ends are acknowledged without a call")
  void onlyCompletedSessionsAreEvaluated() throws Exception {
    handle(ended("completed"));
    assertThat(calls).containsExactly(AgentHandlers.EVALUATE);

    calls.clear();
    handle(ended("abandoned"));
    handle(ended("errored"));
    assertThat(calls).isEmpty();
  }

  @Test
  @DisplayName("an end announced without a status (older entries) is still evaluated")
  void entriesWithoutStatusAreEvaluated() throws Exception {
    handle(new StreamEntry("1-0", Map.of("type", EventStream.SESSION_ENDED, "sessionId", UUID.randomUUID().toString(),
        "data", "{}")));
    assertThat(calls).containsExactly(AgentHandlers.EVALUATE);
  }

  private static StreamEntry ended(String status) {
    return new StreamEntry("1-0", Map.of("type", EventStream.SESSION_ENDED, "sessionId", UUID.randomUUID().toString(),
        "data", new JsonObject().put("status", status).put("reason", "time_up").encode()));
  }

  private static void handle(StreamEntry entry) throws Exception {
    Future<Void> done = evaluator.handle(entry, "evaluator-workers");
    done.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
