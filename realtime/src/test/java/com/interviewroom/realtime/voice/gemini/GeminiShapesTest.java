package com.interviewroom.realtime.voice.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.support.Audio;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.support.VoiceTestBed;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.BridgedVoiceSession;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.VoiceSession;
import com.interviewroom.realtime.voice.providers.VoiceProviders;
import com.interviewroom.testkit.ProviderShapes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pins our Gemini Live client and the fake to the official SDK's types ({@code
 * provider-shapes/gemini-live.json}, extracted from googleapis/python-genai {@code
 * google/genai/types.py}: {@code LiveClientMessage} and {@code LiveServerMessage}, field names in
 * the API's camelCase): every message of a conversation with a greeting, audio, a note, a barge-in,
 * a commit, a goAway resumption and a failover restoring history.
 */
class GeminiShapesTest extends VoiceTestBed {
  private static final ProviderShapes SHAPES = ProviderShapes.load("gemini-live");
  private static FakeGeminiLive fake;
  private static int port;

  @BeforeAll
  static void up() {
    fake = new FakeGeminiLive(vertx);
    port = fake.start();
  }

  @AfterAll
  static void down() {
    fake.close();
  }

  @DisplayName(
      "every message our client sends and the fake sends fits the SDK's LiveClientMessage / LiveServerMessage")
  @Test
  void everyMessageFitsTheSdk() {
    fake.recordSent = true;
    fake.chunksPerTurn = 40;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers =
        new VoiceProviders(
            vertx,
            new Config.Providers(
                null, "ws://127.0.0.1:1/unused", FakeGeminiLive.KEY, fake.url(port), null, null));
    PgSessionRecords records = new PgSessionRecords(voiceDb.db);
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofMillis(200), 500, 100_000);
    DefaultVoiceSessionFactory factory =
        new DefaultVoiceSessionFactory(
            vertx,
            new ProviderSelector(false, true),
            providers,
            batcher,
            records,
            records::markErroredAndRefund,
            new BridgedVoiceSession.Settings(
                List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)),
                Duration.ofSeconds(5),
                Duration.ofSeconds(2),
                3),
            Clock.systemUTC());
    VoiceSession session =
        loop.await(
            () ->
                factory.open(
                    new InterviewContext(
                        s.sessionId(),
                        s.userId(),
                        "Two Sum",
                        "Return two indices.",
                        "easy",
                        "python",
                        "mid",
                        1_800_000,
                        List.of()),
                    client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> client.audioBytes() >= 4_800 * 3, "greeting audio");
    loop.run(
        () ->
            session.inject(
                new ContextNote(ContextNote.Kind.CODE_OBSERVATION, "The loop is quadratic.")));
    loop.run(
        () -> session.inject(new ContextNote(ContextNote.Kind.CODE_SNAPSHOT, "def f(): pass")));
    for (int i = 0; i < 10; i++) {
      loop.run(() -> session.audio(Audio.speech(100)));
    }
    loop.run(() -> session.audio(Audio.silence(1_000)));
    loop.run(session::commit);
    Loop.eventually(Duration.ofSeconds(5), () -> fake.interruptions.get() >= 1, "a barge-in");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.finals("user").contains(FakeGeminiLive.USER_SAYS),
        "the candidate's turn");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.sent.stream().anyMatch(m -> m.containsKey("usageMetadata")),
        "a finished turn");
    fake.goAwayAll("3s");
    Loop.eventually(Duration.ofSeconds(5), () -> fake.received("setup").size() == 2, "resumed");
    fake.chunksPerTurn = 3;
    fake.dropAfterResponses = 1;
    loop.run(
        () ->
            session.inject(new ContextNote(ContextNote.Kind.TIME_WARNING, "Five minutes remain.")));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.handshakes.get() >= 3 && fake.received("setup").size() >= 3,
        "a failover");
    Loop.eventually(
        Duration.ofSeconds(5),
        () ->
            fake.received("clientContent").stream()
                .anyMatch(m -> m.getJsonObject("clientContent").getJsonArray("turns").size() > 1),
        "the history restored");
    fake.dropAfterResponses = 0;
    loop.await(session::close);
    loop.await(providers::close);

    List<String> problems = new ArrayList<>();
    List<JsonObject> sentByClient = new ArrayList<>(fake.received("setup"));
    sentByClient.addAll(fake.received("clientContent"));
    sentByClient.addAll(fake.received("realtimeInput"));
    sentByClient.add(
        new JsonObject()
            .put(
                "realtimeInput",
                new JsonObject()
                    .put(
                        "audio",
                        new JsonObject()
                            .put("data", "AAAA")
                            .put(
                                "mimeType",
                                "audio/pcm;rate=16000")))); // the audio shape, as sendAudio builds
    // it
    for (JsonObject m : sentByClient) {
      problems.addAll(SHAPES.violations("client", m));
    }
    for (JsonObject m : fake.sent) {
      problems.addAll(SHAPES.violations("server", m));
    }
    assertThat(fake.sent.stream().flatMap(m -> m.fieldNames().stream()).distinct())
        .contains(
            "setupComplete", "serverContent", "usageMetadata", "sessionResumptionUpdate", "goAway");
    assertThat(problems.stream().distinct().toList()).as("against " + SHAPES.source()).isEmpty();
  }

  @DisplayName(
      "the shapes catch what the real API refuses: a setup field that does not exist, a realtimeInput with a typo")
  @Test
  void shapesCatchMistakes() {
    assertThat(
            SHAPES.violations(
                "client",
                new JsonObject()
                    .put(
                        "setup",
                        new JsonObject().put("model", "models/x").put("temperature", 0.7))))
        .singleElement()
        .asString()
        .contains("temperature");
    assertThat(
            SHAPES.violations(
                "client",
                new JsonObject().put("realtimeInput", new JsonObject().put("audioEnd", true))))
        .isNotEmpty();
    assertThat(
            SHAPES.violations(
                "client",
                new JsonObject()
                    .put(
                        "clientContent",
                        new JsonObject()
                            .put(
                                "turns",
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("role", "user")
                                            .put(
                                                "parts",
                                                new JsonArray()
                                                    .add(new JsonObject().put("txt", "hi"))))))))
        .isNotEmpty();
  }
}
