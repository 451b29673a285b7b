package com.interviewroom.realtime.voice.gemini;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.support.Audio;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.BridgedVoiceSession;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.ProviderUnavailable;
import com.interviewroom.realtime.voice.VoiceProviders;
import com.interviewroom.realtime.voice.VoiceSession;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class GeminiLiveProviderTest {
  static final BridgedVoiceSession.Settings FAST = new BridgedVoiceSession.Settings(
      List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)),
      Duration.ofSeconds(5), Duration.ofSeconds(2), 3);

  private static Vertx vertx;
  private static VoiceDb voiceDb;
  private static FakeGeminiLive fake;
  private static int port;
  private static TranscriptBatcher batcher;
  private static PgSessionRecords records;

  @BeforeAll
  static void up() {
    vertx = Vertx.vertx();
    voiceDb = new VoiceDb(vertx);
    fake = new FakeGeminiLive(vertx);
    port = fake.start();
    batcher = new TranscriptBatcher(vertx, voiceDb.db, Duration.ofMillis(200), 500, 100_000);
    records = new PgSessionRecords(voiceDb.db);
  }

  @AfterAll
  static void down() {
    fake.close();
    vertx.close().await();
  }

  private static VoiceProviders providers(String key) {
    return new VoiceProviders(vertx, new Config.Providers(null, "ws://127.0.0.1:1/unused", key, fake.url(port), null, null));
  }

  private static DefaultVoiceSessionFactory factory(VoiceProviders providers) {
    return new DefaultVoiceSessionFactory(vertx, new ProviderSelector(false, true), providers, batcher, records,
        records::markErroredAndRefund, FAST, Clock.systemUTC());
  }

  private static InterviewContext context(VoiceDb.Charged s) {
    return new InterviewContext(s.sessionId(), s.userId(), "Two Sum", "Return indices of two numbers adding to target.",
        "easy", "python", "junior", 1_800_000, List.of());
  }

  private static void reset() {
    fake.log.clear();
    fake.dropAfterResponses = 0;
    fake.chunksPerTurn = 30;
    fake.rejectNext.set(0);
    fake.audioBytes16k.set(0);
  }

  @DisplayName("setup names the model, AUDIO output, the system instruction, both transcriptions and session resumption")
  @Test
  void setupShape() {
    JsonObject setup = GeminiLiveProvider.setup(new InterviewContext(UUID.randomUUID(), UUID.randomUUID(), "T", "d",
        "easy", "java", "mid", 60_000, List.of()), "h-7").getJsonObject("setup");
    assertThat(setup.getString("model")).startsWith("models/");
    assertThat(setup.getJsonObject("generationConfig").getJsonArray("responseModalities").getString(0)).isEqualTo("AUDIO");
    assertThat(setup.getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text")).contains("interviewer");
    assertThat(setup.containsKey("inputAudioTranscription")).isTrue();
    assertThat(setup.containsKey("outputAudioTranscription")).isTrue();
    assertThat(setup.getJsonObject("sessionResumption").getString("handle")).isEqualTo("h-7");
    assertThat(GeminiLiveProvider.parseDurationMs("2.5s")).isEqualTo(2_500);
  }

  @DisplayName("connect, greeting audio and transcript, 3 s of 16 kHz audio upstream, barge-in clears playback and drops the interrupted turn")
  @Test
  void fullConversation() {
    reset();
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(Duration.ofSeconds(5), () -> client.audioBytes() >= 4_800 * 5, "greeting audio");
    assertThat(client.json("transcript")).isNotEmpty();
    for (int i = 0; i < 30; i++) {
      int chunk = i;
      loop.run(() -> session.audio(chunk < 25 ? Audio.speech(100) : Audio.silence(100)));
    }
    loop.run(() -> session.audio(Audio.silence(600)));
    Loop.eventually(Duration.ofSeconds(5), () -> !client.json("playback.clear").isEmpty(), "playback.clear");
    Loop.eventually(Duration.ofSeconds(5), () -> fake.interruptions.get() >= 1, "the fake interrupted its turn");
    Loop.eventually(Duration.ofSeconds(5), () -> client.finals("user").contains(FakeGeminiLive.USER_SAYS), "user transcript");
    Loop.eventually(Duration.ofSeconds(5), () -> client.finals("assistant").stream().anyMatch(t -> t.contains("time complexity")),
        "the answer");
    assertThat(client.finals("assistant").get(0)).isNotEqualTo(FakeGeminiLive.GREETING);
    assertThat(fake.audioBytes16k.get()).as("3.6 s at 16 kHz").isBetween(32L * 3_500, 32L * 3_600);
    loop.await(session::close);
    Loop.eventually(Duration.ofSeconds(3), () -> fake.open.isEmpty(), "the provider socket closed");
    JsonObject row = loop.await(() -> voiceDb.session(s.sessionId())).getJsonObject("usage");
    assertThat(row.getJsonObject("by_provider").getJsonObject("gemini").getLong("total_tokens")).isGreaterThanOrEqualTo(160L);
    loop.await(providers::close);
  }

  @DisplayName("goAway: the old socket is closed first, the new one resumes with the latest handle, and the talk goes on")
  @Test
  void goAwayResumes() {
    reset();
    fake.chunksPerTurn = 3;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(Duration.ofSeconds(5), () -> !client.finals("assistant").isEmpty(), "greeting done");
    fake.goAwayAll("3s");
    Loop.eventually(Duration.ofSeconds(5), () -> fake.received("setup").size() == 2, "a second setup");
    JsonObject resumed = fake.received("setup").get(1).getJsonObject("setup");
    assertThat(resumed.getJsonObject("sessionResumption").getString("handle")).startsWith("handle-");
    List<FakeGeminiLive.Event> order = fake.log.stream().filter(e -> e.what().equals("closed") || e.what().equals("handshake")).toList();
    assertThat(order).extracting(FakeGeminiLive.Event::what).containsSubsequence("handshake", "closed", "handshake");
    loop.run(() -> {
      session.audio(Audio.speech(600));
      session.audio(Audio.silence(1_000));
    });
    Loop.eventually(Duration.ofSeconds(5), () -> client.finals("user").contains(FakeGeminiLive.USER_SAYS), "conversation continues");
    assertThat(client.hasError("provider_unavailable")).isFalse();
    loop.await(session::close);
    Loop.eventually(Duration.ofSeconds(3), () -> fake.open.isEmpty(), "no socket left");
    loop.await(providers::close);
  }

  @DisplayName("a dropped socket fails over to a new connection that gets the conversation so far")
  @Test
  void failover() {
    reset();
    fake.chunksPerTurn = 3;
    fake.dropAfterResponses = 1;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(Duration.ofSeconds(5), () -> fake.received("clientContent").stream()
        .anyMatch(m -> !m.getJsonObject("clientContent").getBoolean("turnComplete", false)), "restored history");
    JsonObject restored = fake.received("clientContent").stream()
        .filter(m -> !m.getJsonObject("clientContent").getBoolean("turnComplete", false)).findFirst().orElseThrow();
    JsonObject turn = restored.getJsonObject("clientContent").getJsonArray("turns").getJsonObject(0);
    assertThat(turn.getString("role")).isEqualTo("model");
    assertThat(turn.getJsonArray("parts").getJsonObject(0).getString("text")).startsWith("Hi, welcome!");
    fake.dropAfterResponses = 0;
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName("an invalid key (close 1008) is fatal: one attempt, then provider_unavailable")
  @Test
  void invalidKey() {
    reset();
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    VoiceProviders providers = providers("wrong");
    int before = fake.handshakes.get();
    RecordingClient client = new RecordingClient();
    Throwable err = loop.failure(() -> factory(providers).open(context(s), client));
    assertThat(((ProviderUnavailable) err).lastCause()).isEqualTo("invalid_api_key");
    assertThat(fake.handshakes.get() - before).isEqualTo(1);
    assertThat(client.hasError("provider_unavailable")).isTrue();
    loop.await(providers::close);
  }
}
