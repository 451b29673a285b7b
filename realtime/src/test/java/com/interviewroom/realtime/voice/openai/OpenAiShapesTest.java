package com.interviewroom.realtime.voice.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.support.Audio;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.support.VoiceTestBed;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.VoiceSession;
import com.interviewroom.realtime.voice.providers.VoiceProviders;
import com.interviewroom.testkit.ProviderShapes;
import io.vertx.core.buffer.Buffer;
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
 * Pins our OpenAI Realtime client and the fake to the official SDK's event types ({@code
 * provider-shapes/openai-realtime.json}, extracted from openai/openai-python {@code
 * src/openai/types/realtime/}): every event the client sends and every event the fake sends during
 * a conversation with a greeting, a barge-in, a note, a push-to-talk commit, a failed response and
 * a failover must have the SDK's required fields and no field the SDK lacks.
 */
class OpenAiShapesTest extends VoiceTestBed {
  private static final ProviderShapes SHAPES = ProviderShapes.load("openai-realtime");
  private static FakeOpenAiRealtime fake;
  private static int port;

  @BeforeAll
  static void up() {
    fake = new FakeOpenAiRealtime(vertx);
    port = fake.start();
  }

  @AfterAll
  static void down() {
    fake.close();
  }

  @DisplayName(
      "every event our client sends and the fake sends fits the SDK's shapes (openai-python src/openai/types/realtime)")
  @Test
  void everyEventFitsTheSdk() {
    fake.recordSent = true;
    fake.deltasPerResponse = 40;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers =
        new VoiceProviders(
            vertx,
            new Config.Providers(
                FakeOpenAiRealtime.KEY,
                fake.url(port),
                null,
                "ws://127.0.0.1:1/unused",
                null,
                null));
    PgSessionRecords records = new PgSessionRecords(voiceDb.db);
    TranscriptBatcher batcher =
        new TranscriptBatcher(vertx, voiceDb.db, Duration.ofMillis(200), 500, 100_000);
    DefaultVoiceSessionFactory factory =
        new DefaultVoiceSessionFactory(
            vertx,
            new ProviderSelector(true, false),
            providers,
            batcher,
            records,
            records::markErroredAndRefund,
            new com.interviewroom.realtime.voice.BridgedVoiceSession.Settings(
                List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)),
                Duration.ofSeconds(5),
                Duration.ofSeconds(2),
                3,
                Duration.ofMillis(1)),
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
        Duration.ofSeconds(5), () -> client.audioBytes() >= 4_800 * 5, "greeting audio");
    for (int i = 0; i < 10; i++) {
      loop.run(() -> session.audio(Audio.speech(100))); // barge-in: response.cancel + truncate
    }
    loop.run(() -> session.audio(Audio.silence(700)));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !fake.received("conversation.item.truncate").isEmpty(),
        "truncate");
    Loop.eventually(Duration.ofSeconds(5), () -> fake.responseStatuses.size() >= 2, "the answer");
    loop.run(
        () ->
            session.inject(
                new ContextNote(ContextNote.Kind.CODE_OBSERVATION, "The loop is quadratic.")));
    loop.run(
        () -> session.inject(new ContextNote(ContextNote.Kind.CODE_SNAPSHOT, "def f(): pass")));
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.responseStatuses.size() >= 3, "the reaction to the note");
    loop.run(
        () -> session.inject(new ContextNote(ContextNote.Kind.CODE_SNAPSHOT, "def f(): return 1")));
    loop.run(() -> session.audio(Audio.silence(500)));
    loop.run(session::commit);
    fake.failNextResponse = "server_error";
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.responseStatuses.contains("failed"), "a failed response");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.received("conversation.item.create").size() >= 3,
        "the restored history");
    loop.await(session::close);
    loop.await(providers::close);

    List<String> problems = new ArrayList<>();
    List<JsonObject> sentByClient = new ArrayList<>(fake.received);
    sentByClient.add(
        new JsonObject(OpenAiRealtimeProvider.appendMessage(Buffer.buffer(new byte[480]))));
    for (JsonObject m : sentByClient) {
      problems.addAll(SHAPES.violations("client:" + m.getString("type"), m));
    }
    for (JsonObject m : fake.sent) {
      problems.addAll(SHAPES.violations("server:" + m.getString("type"), m));
    }
    assertThat(sentByClient.stream().map(m -> m.getString("type")).distinct())
        .contains(
            "session.update",
            "response.create",
            "response.cancel",
            "conversation.item.truncate",
            "conversation.item.create",
            "conversation.item.delete",
            "input_audio_buffer.commit",
            "input_audio_buffer.append");
    assertThat(fake.sent.stream().map(m -> m.getString("type")).distinct())
        .contains(
            "session.created",
            "session.updated",
            "response.created",
            "response.output_audio.delta",
            "response.done",
            "input_audio_buffer.speech_started",
            "conversation.item.input_audio_transcription.completed",
            "error");
    assertThat(problems.stream().distinct().toList()).as("against " + SHAPES.source()).isEmpty();
  }

  @DisplayName(
      "the shapes catch what the real API refuses: a GA session with temperature, a commit with a stray field, a response.done without its event_id")
  @Test
  void shapesCatchMistakes() {
    assertThat(
            SHAPES.violations(
                "client:session.update",
                new JsonObject()
                    .put("type", "session.update")
                    .put(
                        "session",
                        new JsonObject().put("type", "realtime").put("temperature", 0.8))))
        .singleElement()
        .asString()
        .contains("temperature");
    assertThat(
            SHAPES.violations(
                "client:input_audio_buffer.commit",
                new JsonObject().put("type", "input_audio_buffer.commit").put("response", true)))
        .isNotEmpty();
    assertThat(
            SHAPES.violations(
                "server:response.done",
                new JsonObject().put("type", "response.done").put("response", new JsonObject())))
        .singleElement()
        .asString()
        .contains("event_id");
  }
}
