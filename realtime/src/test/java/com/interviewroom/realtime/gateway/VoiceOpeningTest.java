package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.BridgedVoiceSession;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderException;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.VoiceEvents;
import com.interviewroom.realtime.voice.VoiceProvider;
import com.interviewroom.realtime.voice.VoiceSessionFactory;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The gateway while the voice side is still connecting")
class VoiceOpeningTest {
  static Fixture fixture;
  static RealtimeGateway gateway;
  static int port;
  static TranscriptBatcher batcher;

  /** Provider connects attempted per session. */
  static final Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();

  /** Completes with whether the voice opened, per session. */
  static final Map<UUID, CompletableFuture<Boolean>> opened = new ConcurrentHashMap<>();

  static final List<UUID> markedUnavailable = new CopyOnWriteArrayList<>();
  static volatile BridgedVoiceSession.Settings settings;

  @BeforeAll
  static void start() {
    fixture = new Fixture();
    batcher = TranscriptBatcher.standard(fixture.vertx, fixture.db);
    PgSessionRecords records = new PgSessionRecords(fixture.db);
    VoiceSessionFactory voices =
        (context, client) -> {
          UUID id = context.sessionId();
          DefaultVoiceSessionFactory bridges =
              new DefaultVoiceSessionFactory(
                  fixture.vertx,
                  new ProviderSelector(true, false),
                  name ->
                      new RefusingProvider(attempts.computeIfAbsent(id, k -> new AtomicInteger())),
                  batcher,
                  records,
                  sessionId -> {
                    markedUnavailable.add(sessionId);
                    return Future.succeededFuture();
                  },
                  settings,
                  Clock.systemUTC());
          return bridges
              .open(context, client)
              .onComplete(
                  ar ->
                      opened
                          .computeIfAbsent(id, k -> new CompletableFuture<>())
                          .complete(ar.succeeded()));
        };
    gateway =
        new RealtimeGateway(
            fixture.vertx,
            fixture.verifier,
            fixture.db,
            fixture.redis,
            voices,
            fixture.meters,
            Clock.systemUTC(),
            GatewaySettings.defaults());
    RealtimeVerticle verticle = new RealtimeVerticle(gateway, 0, Fixture.SETTINGS);
    Fixture.await(fixture.vertx.deployVerticle(verticle));
    port = verticle.actualPort();
  }

  @AfterAll
  static void stop() {
    Fixture.await(gateway.close());
    Fixture.await(batcher.close());
    fixture.close();
  }

  private static BridgedVoiceSession.Settings backoff(Duration each) {
    return new BridgedVoiceSession.Settings(
        List.of(each, each, each), Duration.ofSeconds(2), Duration.ofSeconds(15), 3);
  }

  @Test
  @DisplayName(
      "a candidate who leaves during the first connect's backoff stops it at once: no more attempts, nothing marked unavailable")
  void leavesDuringBackoff() throws Exception {
    settings = backoff(Duration.ofSeconds(30));
    UUID user = fixture.user();
    UUID session = fixture.activeSession(user, 600_000);
    TestClient client = TestClient.connect(fixture.vertx, port, fixture.token(user, session));
    Fixture.eventually(
        "the first provider attempt",
        () -> attempts.containsKey(session) && attempts.get(session).get() == 1);
    long leftAt = System.nanoTime();
    client.close();
    boolean voiceOpened =
        opened.computeIfAbsent(session, k -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
    assertFalse(voiceOpened);
    assertTrue(
        (System.nanoTime() - leftAt) / 1_000_000 < 10_000,
        "the 30 s backoff did not run out first");
    Fixture.eventually("no socket left", () -> gateway.sessionsHeld() == 0);
    Thread.sleep(200);
    assertEquals(1, attempts.get(session).get());
    assertFalse(markedUnavailable.contains(session));
    assertEquals(
        "active",
        fixture
            .one("SELECT status FROM sessions WHERE id = $1", Tuple.of(session))
            .getString("status"));
  }

  @Test
  @DisplayName(
      "every attempt failing tells the candidate provider_unavailable exactly once, then ends the socket: no ready, session.ended, close 1000")
  void unavailableToldOnceThenEnded() throws Exception {
    settings = backoff(Duration.ofMillis(10));
    UUID user = fixture.user();
    UUID session = fixture.activeSession(user, 600_000);
    try (TestClient client =
        TestClient.connect(fixture.vertx, port, fixture.token(user, session))) {
      List<JsonObject> seen = new ArrayList<>();
      JsonObject ended = until(client, "session.ended", seen);
      assertEquals("provider_unavailable", ended.getString("reason"));
      long told =
          seen.stream()
              .filter(m -> "error".equals(m.getString("type")))
              .filter(m -> "provider_unavailable".equals(m.getString("code")))
              .count();
      assertEquals(1, told);
      assertTrue(
          seen.stream().noneMatch(m -> "session.ready".equals(m.getString("type"))),
          "no session.ready: " + seen);
      assertEquals((short) 1000, client.closed.get(15, TimeUnit.SECONDS));
      assertEquals(4, attempts.get(session).get());
      assertTrue(markedUnavailable.contains(session));
      Fixture.eventually("no socket left", () -> gateway.sessionsHeld() == 0);
    }
  }

  /** Reads messages into {@code seen} up to and including the first of {@code type}. */
  private static JsonObject until(TestClient client, String type, List<JsonObject> seen) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    try {
      while (System.nanoTime() < deadline) {
        JsonObject message = client.messages.poll(100, TimeUnit.MILLISECONDS);
        if (message != null) {
          seen.add(message);
          if (type.equals(message.getString("type"))) {
            return message;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no " + type + " message arrived");
  }

  /** A provider whose every connect is refused, as a provider that is down would. */
  private record RefusingProvider(AtomicInteger attempts) implements VoiceProvider {
    public String name() {
      return "openai";
    }

    public Future<Void> connect(InterviewContext context, VoiceEvents events) {
      attempts.incrementAndGet();
      return Future.failedFuture(ProviderException.transientFailure("connect_failed", "refused"));
    }

    public void sendAudio(Buffer pcm16At24k) {}

    public void commit() {}

    public void cancel(long playedMs) {}

    public void inject(ContextNote note) {}

    public Future<Void> disconnect() {
      return Future.succeededFuture();
    }
  }
}
