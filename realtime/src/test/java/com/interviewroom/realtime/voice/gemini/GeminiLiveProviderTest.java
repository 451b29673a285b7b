package com.interviewroom.realtime.voice.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.support.Audio;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.support.VoiceTestBed;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.ProviderException;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.ProviderUnavailable;
import com.interviewroom.realtime.voice.VoiceSession;
import com.interviewroom.realtime.voice.providers.VoiceProviders;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GeminiLiveProviderTest extends VoiceTestBed {
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

  private static VoiceProviders providers(String key) {
    return new VoiceProviders(
        vertx,
        new Config.Providers(null, "ws://127.0.0.1:1/unused", key, fake.url(port), null, null));
  }

  private static DefaultVoiceSessionFactory factory(VoiceProviders providers) {
    return new DefaultVoiceSessionFactory(
        vertx,
        new ProviderSelector(false, true),
        providers,
        batcher,
        records,
        records::markErroredAndRefund,
        FAST,
        Clock.systemUTC());
  }

  private static InterviewContext context(VoiceDb.Charged s) {
    return new InterviewContext(
        s.sessionId(),
        s.userId(),
        "Two Sum",
        "Return indices of two numbers adding to target.",
        "easy",
        "python",
        "junior",
        1_800_000,
        List.of());
  }

  private static void reset() {
    fake.log.clear();
    fake.dropAfterResponses = 0;
    fake.chunksPerTurn = 30;
    fake.rejectNext.set(0);
    fake.rateLimitNext.set(0);
    fake.resumedSetupDelayMs = 0;
    fake.audioBytes16k.set(0);
    fake.audioSessionLimitMs = 15 * 60_000;
    fake.connectionLimitMs = 10 * 60_000;
    fake.goAwayBeforeMs = 5_000;
    fake.interruptions.set(0);
  }

  @DisplayName(
      "setup names the model, AUDIO output, the system instruction, both transcriptions and session resumption")
  @Test
  void setupShape() {
    JsonObject setup =
        GeminiLiveProvider.setup(
                new InterviewContext(
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    "T",
                    "d",
                    "easy",
                    "java",
                    "mid",
                    60_000,
                    List.of()),
                "models/gemini-2.5-flash-native-audio-preview-12-2025",
                "h-7")
            .getJsonObject("setup");
    assertThat(setup.getString("model")).startsWith("models/");
    assertThat(
            setup.getJsonObject("generationConfig").getJsonArray("responseModalities").getString(0))
        .isEqualTo("AUDIO");
    assertThat(
            setup
                .getJsonObject("systemInstruction")
                .getJsonArray("parts")
                .getJsonObject(0)
                .getString("text"))
        .contains("interviewer");
    assertThat(setup.containsKey("inputAudioTranscription")).isTrue();
    assertThat(setup.containsKey("outputAudioTranscription")).isTrue();
    assertThat(setup.getJsonObject("sessionResumption").getString("handle")).isEqualTo("h-7");
    assertThat(setup.getJsonObject("contextWindowCompression").getJsonObject("slidingWindow"))
        .isNotNull();
    assertThat(setup.getString("model"))
        .isEqualTo("models/gemini-2.5-flash-native-audio-preview-12-2025");
    assertThat(GeminiLiveProvider.parseDurationMs("2.5s")).isEqualTo(2_500);
  }

  @DisplayName(
      "connect, greeting audio and transcript, 3 s of 16 kHz audio upstream, barge-in clears playback and drops the interrupted turn")
  @Test
  void fullConversation() {
    reset();
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> client.audioBytes() >= 4_800 * 5, "greeting audio");
    assertThat(client.json("transcript")).isNotEmpty();
    for (int i = 0; i < 30; i++) {
      int chunk = i;
      loop.run(() -> session.audio(chunk < 25 ? Audio.speech(100) : Audio.silence(100)));
    }
    loop.run(() -> session.audio(Audio.silence(600)));
    Loop.eventually(
        Duration.ofSeconds(5), () -> !client.json("playback.clear").isEmpty(), "playback.clear");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.interruptions.get() >= 1,
        "the fake interrupted its turn");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.finals("user").contains(FakeGeminiLive.USER_SAYS),
        "user transcript");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.finals("assistant").stream().anyMatch(t -> t.contains("time complexity")),
        "the answer");
    assertThat(client.finals("assistant").get(0)).isNotEqualTo(FakeGeminiLive.GREETING);
    assertThat(fake.audioBytes16k.get()).as("3.6 s at 16 kHz").isBetween(32L * 3_500, 32L * 3_600);
    String heard = client.lastFinal("gemini-model-1");
    assertThat(FakeGeminiLive.GREETING).startsWith(heard).isNotEqualTo(heard);
    loop.await(session::close);
    List<String> stored =
        loop.await(
            () ->
                voiceDb
                    .db
                    .pool()
                    .preparedQuery(
                        "SELECT item_id, text FROM transcripts WHERE session_id = $1 AND role = 'assistant' ORDER BY turn_started_at")
                    .execute(Tuple.of(s.sessionId()))
                    .map(
                        rows -> {
                          List<String> found = new ArrayList<>();
                          rows.forEach(
                              r -> found.add(r.getString("item_id") + ": " + r.getString("text")));
                          return found;
                        }));
    List<String> users =
        loop.await(
            () ->
                voiceDb
                    .db
                    .pool()
                    .preparedQuery(
                        "SELECT text FROM transcripts WHERE session_id = $1 AND role = 'user'")
                    .execute(Tuple.of(s.sessionId()))
                    .map(
                        rows -> {
                          List<String> found = new ArrayList<>();
                          rows.forEach(r -> found.add(r.getString("text")));
                          return found;
                        }));
    assertThat(users)
        .as("the late half of the transcription joined its turn")
        .containsExactly(FakeGeminiLive.USER_SAYS);
    assertThat(stored)
        .as("the stored rows: the greeting as heard, then the answer in full")
        .containsExactly(
            "gemini-model-1: " + heard,
            "gemini-model-3: Nice. What is the time complexity of sorting first?");
    Loop.eventually(Duration.ofSeconds(3), () -> fake.open.isEmpty(), "the provider socket closed");
    JsonObject row = loop.await(() -> voiceDb.session(s.sessionId())).getJsonObject("usage");
    assertThat(row.getJsonObject("by_provider").getJsonObject("gemini").getLong("total_tokens"))
        .isGreaterThanOrEqualTo(160L);
    loop.await(providers::close);
  }

  @DisplayName(
      "goAway: the old socket is closed first, the new one resumes with the latest handle, and the talk goes on")
  @Test
  void goAwayResumes() {
    reset();
    fake.chunksPerTurn = 3;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> !client.finals("assistant").isEmpty(), "greeting done");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.lastHandle().equals("handle-2"),
        "a handle after setup and one after the greeting");
    Loop.sleep(100); // the second handle reaches the provider
    fake.goAwayAll("3s");
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.received("setup").size() == 2, "a second setup");
    JsonObject resumed = fake.received("setup").get(1).getJsonObject("setup");
    assertThat(resumed.getJsonObject("sessionResumption").getString("handle"))
        .as("the latest handle")
        .isEqualTo("handle-2");
    List<FakeGeminiLive.Event> order =
        fake.log.stream()
            .filter(e -> e.what().equals("closed") || e.what().equals("handshake"))
            .toList();
    assertThat(order)
        .extracting(FakeGeminiLive.Event::what)
        .containsSubsequence("handshake", "closed", "handshake");
    long goAwayAt = fake.events("goAway").get(0).nanos();
    long reconnectedAt = fake.events("handshake").get(1).nanos();
    assertThat(Loop.millisBetween(goAwayAt, reconnectedAt))
        .as("reconnected before timeLeft ran out")
        .isLessThan(3_000L);
    loop.run(
        () -> {
          session.audio(Audio.speech(600));
          session.audio(Audio.silence(1_000));
        });
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.finals("user").contains(FakeGeminiLive.USER_SAYS),
        "conversation continues");
    assertThat(client.hasError("provider_unavailable")).isFalse();
    loop.await(session::close);
    Loop.eventually(Duration.ofSeconds(3), () -> fake.open.isEmpty(), "no socket left");
    loop.await(providers::close);
  }

  @DisplayName(
      "notes, commits and audio sent while resuming wait for the new socket's setupComplete, in order, and none is lost")
  @Test
  void resumeWindowHoldsMessages() {
    reset();
    fake.chunksPerTurn = 3;
    fake.resumedSetupDelayMs = 1_000;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> !client.finals("assistant").isEmpty(), "greeting done");
    fake.goAwayAll("5s");
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.received("setup").size() == 2, "the resumed setup");
    loop.run(
        () -> {
          session.inject(new ContextNote(ContextNote.Kind.TIME_WARNING, "Five minutes remain."));
          session.audio(Audio.silence(200));
          session.commit();
        });
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.events("setupComplete").size() == 2,
        "the delayed setupComplete");
    Loop.eventually(
        Duration.ofSeconds(5),
        () ->
            fake.received("realtimeInput").stream()
                .anyMatch(
                    m -> m.getJsonObject("realtimeInput").getBoolean("audioStreamEnd", false)),
        "the held commit");
    long setupCompleteAt = fake.events("setupComplete").get(1).nanos();
    List<FakeGeminiLive.Event> afterGoAway =
        fake.log.stream()
            .filter(
                e ->
                    e.message() != null
                        && (e.message().containsKey("clientContent")
                            || e.message().containsKey("realtimeInput")))
            .filter(e -> e.nanos() > fake.events("goAway").get(0).nanos())
            .toList();
    assertThat(afterGoAway)
        .extracting(
            e ->
                e.message().getJsonObject("realtimeInput", new JsonObject()).containsKey("text")
                    ? "note"
                    : "commit")
        .containsExactly("note", "commit");
    assertThat(afterGoAway).allMatch(e -> e.nanos() > setupCompleteAt, "after setupComplete");
    assertThat(afterGoAway.get(0).message().getJsonObject("realtimeInput").getString("text"))
        .contains("Five minutes remain.");
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "a setup refused with close 1011 RESOURCE_EXHAUSTED (worded as a quota) is a rate limit: rate_limited, then a retry after the wait it names")
  @Test
  void rateLimitedOnConnect() {
    reset();
    fake.rateLimitNext.set(1);
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    assertThat(client.json("error"))
        .extracting(j -> j.getString("code"), j -> j.getLong("retryAfterMs"))
        .containsExactly(tuple("rate_limited", 1_200L));
    List<FakeGeminiLive.Event> handshakes = fake.events("handshake");
    assertThat(handshakes).hasSize(2);
    assertThat(Loop.millisBetween(handshakes.get(0).nanos(), handshakes.get(1).nanos()))
        .isGreaterThanOrEqualTo(1_200L);
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "RESOURCE_EXHAUSTED mid-session: the client hears rate_limited and the reconnect waits out the window")
  @Test
  void rateLimitedMidSession() {
    reset();
    fake.chunksPerTurn = 3;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> !client.finals("assistant").isEmpty(), "greeting done");
    fake.closeAll((short) 1011, FakeGeminiLive.RATE_LIMITED);
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.events("handshake").size() == 2, "the reconnect");
    assertThat(client.json("error"))
        .extracting(j -> j.getString("code"), j -> j.getLong("retryAfterMs"))
        .containsExactly(tuple("rate_limited", 1_200L));
    long closedAt = fake.events("closed").get(0).nanos();
    assertThat(Loop.millisBetween(closedAt, fake.events("handshake").get(1).nanos()))
        .isGreaterThanOrEqualTo(1_200L);
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.events("setupComplete").size() == 2, "set up again");
    assertThat(client.hasError("provider_unavailable")).isFalse();
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "close reasons: a refused key is fatal, RESOURCE_EXHAUSTED a rate limit with its wait, and 'generate' is no rate limit")
  @Test
  void closeReasons() {
    assertThat(
            GeminiLiveProvider.classifyClose(
                    (short) 1008, "API key not valid. Please pass a valid API key.")
                .fatal())
        .isTrue();
    ProviderException exhausted =
        GeminiLiveProvider.classifyClose((short) 1011, FakeGeminiLive.RATE_LIMITED);
    assertThat(exhausted.fatal()).isFalse();
    assertThat(exhausted.retryAfterMs()).isEqualTo(1_200L);
    ProviderException internal =
        GeminiLiveProvider.classifyClose(
            (short) 1011, "Failed to generate content: internal error.");
    assertThat(internal.rateLimited()).isFalse();
    assertThat(internal.fatal()).isFalse();
    assertThat(
            GeminiLiveProvider.classifyClose((short) 1013, "Rate limit exceeded, try later")
                .rateLimited())
        .isTrue();
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
    Loop.eventually(
        Duration.ofSeconds(5),
        () ->
            fake.received("clientContent").stream()
                .anyMatch(m -> !m.getJsonObject("clientContent").getBoolean("turnComplete", false)),
        "restored history");
    JsonObject restored =
        fake.received("clientContent").stream()
            .filter(m -> !m.getJsonObject("clientContent").getBoolean("turnComplete", false))
            .findFirst()
            .orElseThrow();
    JsonObject turn =
        restored.getJsonObject("clientContent").getJsonArray("turns").getJsonObject(0);
    assertThat(turn.getString("role")).isEqualTo("model");
    assertThat(turn.getJsonArray("parts").getJsonObject(0).getString("text"))
        .startsWith("Hi, welcome!");
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

  @DisplayName(
      "the model id comes from configuration; a shut-down model is refused once (close 1008 'not found'), not retried, and marked unusable")
  @Test
  void unknownModelIsPermanent() {
    reset();
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    VoiceProviders providers =
        new VoiceProviders(
            vertx,
            new Config.Providers(
                    null, "ws://127.0.0.1:1/unused", FakeGeminiLive.KEY, fake.url(port), null, null)
                .withModels(
                    new Config.Models(
                        "gpt-realtime",
                        "gpt-4o-mini-transcribe",
                        "gemini-live-2.5-flash-preview",
                        "claude-haiku-4-5",
                        "claude-sonnet-4-6")));
    int before = fake.handshakes.get();
    RecordingClient client = new RecordingClient();
    Throwable err = loop.failure(() -> factory(providers).open(context(s), client));
    assertThat(((ProviderUnavailable) err).lastCause()).isEqualTo("model_not_found");
    assertThat(fake.handshakes.get() - before).as("no retry").isEqualTo(1);
    assertThat(providers.health().usable("gemini")).isFalse();
    assertThat(new ProviderSelector(true, true, providers.health()).chain("free"))
        .containsExactly("openai");
    loop.await(providers::close);
  }

  @DisplayName(
      "a long interview: compression keeps the audio session past the fake's 15-minute limit and goAway resumes on the same provider, no failover")
  @Test
  void longInterviewStaysOnGemini() {
    reset();
    fake.chunksPerTurn = 3;
    fake.audioSessionLimitMs = 1_500; // stands for 15 min
    fake.connectionLimitMs = 2_500; // stands for 10 min
    fake.goAwayBeforeMs = 800;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> !client.finals("assistant").isEmpty(), "greeting done");
    Loop.sleep(3_500);
    fake.connectionLimitMs = 10 * 60_000;
    assertThat(fake.received("setup")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(fake.received("setup").subList(1, fake.received("setup").size()))
        .as("every later setup resumes with a handle: no failover, no replayed history")
        .allMatch(
            m -> m.getJsonObject("setup").getJsonObject("sessionResumption").containsKey("handle"));
    assertThat(fake.received("clientContent"))
        .as("only the opening turn, never a restored history")
        .hasSize(1);
    loop.run(
        () -> {
          session.audio(Audio.speech(600));
          session.audio(Audio.silence(1_000));
        });
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.finals("user").contains(FakeGeminiLive.USER_SAYS),
        "the talk goes on");
    assertThat(client.hasError("provider_unavailable")).isFalse();
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "a note while the model speaks goes as realtimeInput.text and does not interrupt it; a note while the candidate speaks waits for the end of speech")
  @Test
  void notesNeverInterrupt() {
    reset();
    fake.chunksPerTurn = 60;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeGeminiLive.KEY);
    VoiceSession session = loop.await(() -> factory(providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> client.audioBytes() >= 4_800 * 3, "the greeting is playing");
    loop.run(
        () ->
            session.inject(
                new ContextNote(ContextNote.Kind.CODE_OBSERVATION, "The loop is quadratic.")));
    Loop.eventually(
        Duration.ofSeconds(5),
        () ->
            fake.received("realtimeInput").stream()
                .anyMatch(m -> m.getJsonObject("realtimeInput").containsKey("text")),
        "the note as realtime text");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !client.finals("assistant").isEmpty(),
        "the greeting finished");
    assertThat(fake.interruptions.get()).isZero();
    assertThat(client.json("playback.clear")).isEmpty();
    assertThat(client.finals("assistant").get(0)).isEqualTo(FakeGeminiLive.GREETING);
    assertThat(fake.received("clientContent")).hasSize(1);

    fake.chunksPerTurn = 3;
    Loop.sleep(1_500); // the fake's answer to the note is over
    int notesBefore =
        (int)
            fake.received("realtimeInput").stream()
                .filter(m -> m.getJsonObject("realtimeInput").containsKey("text"))
                .count();
    loop.run(() -> session.audio(Audio.speech(300)));
    loop.run(
        () ->
            session.inject(new ContextNote(ContextNote.Kind.TIME_WARNING, "Five minutes remain.")));
    loop.run(() -> session.audio(Audio.speech(300)));
    Loop.sleep(200);
    assertThat(
            fake.received("realtimeInput").stream()
                .filter(m -> m.getJsonObject("realtimeInput").containsKey("text"))
                .count())
        .as("held while the candidate speaks")
        .isEqualTo(notesBefore);
    loop.run(() -> session.audio(Audio.silence(1_000)));
    Loop.eventually(
        Duration.ofSeconds(5),
        () ->
            fake.received("realtimeInput").stream()
                    .filter(m -> m.getJsonObject("realtimeInput").containsKey("text"))
                    .count()
                == notesBefore + 1,
        "delivered after speech");
    loop.await(session::close);
    loop.await(providers::close);
  }
}
