package com.interviewroom.realtime.voice;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the voice bridge announces for the failure detector: first audio, silence, barge-ins,
 * failover, a provider lost for good.
 */
class VoiceSignalsTest {
  private static final BridgedVoiceSession.Settings FAST =
      new BridgedVoiceSession.Settings(
              List.of(Duration.ofMillis(10), Duration.ofMillis(20)),
              Duration.ofSeconds(2),
              Duration.ofMillis(300),
              3)
          .withSilenceAlert(Duration.ofMillis(300));
  private static Vertx vertx;
  private static VoiceDb voiceDb;
  private static TranscriptBatcher batcher;
  private static PgSessionRecords records;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    voiceDb = new VoiceDb(vertx);
    batcher = new TranscriptBatcher(vertx, voiceDb.db, Duration.ofMillis(200), 100, 10_000);
    records = new PgSessionRecords(voiceDb.db);
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static InterviewContext context(VoiceDb.Charged s) {
    return new InterviewContext(
        s.sessionId(),
        s.userId(),
        "Two Sum",
        "Find two numbers.",
        "easy",
        "python",
        "mid",
        1_800_000,
        List.of());
  }

  private record Opened(
      VoiceSession session, RecordingClient client, List<ScriptedProvider> made, Loop loop) {}

  private static Opened open(java.util.function.Supplier<Future<Void>> connect) {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    List<ScriptedProvider> made = new CopyOnWriteArrayList<>();
    Future<VoiceSession> opening =
        loop.await(
            () ->
                Future.succeededFuture(
                    new DefaultVoiceSessionFactory(
                            vertx,
                            new ProviderSelector(true, false),
                            n -> {
                              ScriptedProvider p = new ScriptedProvider(n, connect);
                              made.add(p);
                              return p;
                            },
                            batcher,
                            records,
                            records::markErroredAndRefund,
                            FAST,
                            Clock.systemUTC())
                        .open(context(s), client)));
    VoiceSession session;
    try {
      session =
          opening
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      session = null;
    }
    return new Opened(session, client, made, loop);
  }

  @Test
  @DisplayName(
      "the first interviewer audio is timed once; a turn the interviewer never answers is announced as silence, one it answers is not")
  void firstAudioAndSilence() {
    Opened o = open(Future::succeededFuture);
    ScriptedProvider p = o.made().get(0);
    Loop.sleep(50);
    o.loop().run(() -> p.events.on(new VoiceEvent.Audio("a1", Buffer.buffer(new byte[4_800]))));
    o.loop().run(() -> p.events.on(new VoiceEvent.Audio("a2", Buffer.buffer(new byte[4_800]))));
    assertThat(o.client().signals(EventStream.VOICE_FIRST_AUDIO)).hasSize(1);
    JsonObject first = o.client().signals(EventStream.VOICE_FIRST_AUDIO).get(0);
    assertThat(first.getLong("latencyMs")).isGreaterThanOrEqualTo(40L);
    assertThat(first.getBoolean("resumed")).isFalse();

    // answered within the threshold: no silence
    o.loop().run(() -> p.events.on(new VoiceEvent.SpeechStopped()));
    Loop.sleep(100);
    o.loop().run(() -> p.events.on(new VoiceEvent.Audio("a3", Buffer.buffer(new byte[4_800]))));
    Loop.sleep(400);
    assertThat(o.client().signals(EventStream.VOICE_SILENCE)).isEmpty();
    // never answered: one announcement
    o.loop().run(() -> p.events.on(new VoiceEvent.SpeechStopped()));
    Loop.eventually(
        Duration.ofSeconds(3),
        () -> !o.client().signals(EventStream.VOICE_SILENCE).isEmpty(),
        "voice.silence");
    Loop.sleep(400);
    assertThat(o.client().signals(EventStream.VOICE_SILENCE)).hasSize(1);
    assertThat(o.client().signals(EventStream.VOICE_SILENCE).get(0).getLong("silentMs"))
        .isGreaterThanOrEqualTo(300L);
    o.loop().await(o.session()::close);
  }

  @Test
  @DisplayName(
      "each barge-in is announced with its count; a provider dropping mid-session is announced as a failover")
  void bargeInsAndFailover() {
    Opened o = open(Future::succeededFuture);
    ScriptedProvider p = o.made().get(0);
    for (int i = 1; i <= 2; i++) {
      String item = "long-" + i;
      o.loop()
          .run(
              () -> {
                for (int k = 0; k < 20; k++) {
                  p.events.on(new VoiceEvent.Audio(item, Buffer.buffer(new byte[4_800])));
                }
              });
      o.loop().run(() -> p.events.on(new VoiceEvent.SpeechStarted()));
    }
    assertThat(
            o.client().signals(EventStream.VOICE_BARGE_IN).stream()
                .map(d -> d.getInteger("count"))
                .toList())
        .containsExactly(1, 2);
    o.loop().run(() -> p.events.on(new VoiceEvent.Closed("socket closed", false)));
    Loop.eventually(
        Duration.ofSeconds(3),
        () -> !o.client().signals(EventStream.VOICE_FAILOVER).isEmpty(),
        "voice.failover");
    assertThat(o.client().signals(EventStream.VOICE_FAILOVER).get(0).getString("reason"))
        .isEqualTo("socket closed");
    o.loop().await(o.session()::close);
  }

  @Test
  @DisplayName("every connect refused: the provider is announced unavailable once")
  void unavailable() {
    Opened o =
        open(
            () ->
                Future.failedFuture(
                    ProviderException.transientFailure("connect_failed", "refused")));
    assertThat(o.session()).isNull();
    Loop.eventually(
        Duration.ofSeconds(3),
        () -> !o.client().signals(EventStream.VOICE_UNAVAILABLE).isEmpty(),
        "voice.unavailable");
    assertThat(o.client().signals(EventStream.VOICE_UNAVAILABLE)).hasSize(1);
    assertThat(o.client().signals(EventStream.VOICE_UNAVAILABLE).get(0).getBoolean("midSession"))
        .isFalse();
  }
}
