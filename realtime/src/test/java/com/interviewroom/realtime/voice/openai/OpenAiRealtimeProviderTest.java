package com.interviewroom.realtime.voice.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.support.Audio;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.support.VoiceTestBed;
import com.interviewroom.realtime.voice.BridgedVoiceSession;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.InterviewerInstructions;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.ProviderUnavailable;
import com.interviewroom.realtime.voice.VoiceSession;
import com.interviewroom.realtime.voice.providers.VoiceProviders;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenAiRealtimeProviderTest extends VoiceTestBed {
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

  private static DefaultVoiceSessionFactory factory(String key, VoiceProviders providers) {
    return new DefaultVoiceSessionFactory(
        vertx,
        new ProviderSelector(true, false),
        providers,
        batcher,
        records,
        records::markErroredAndRefund,
        FAST,
        Clock.systemUTC());
  }

  private static VoiceProviders providers(String key) {
    return new VoiceProviders(
        vertx,
        new Config.Providers(key, fake.url(port), null, "ws://127.0.0.1:1/unused", null, null));
  }

  private static InterviewContext context(VoiceDb.Charged s) {
    return new InterviewContext(
        s.sessionId(),
        s.userId(),
        "Two Sum",
        "Given nums and target, return two indices.",
        "easy",
        "python",
        "senior",
        1_800_000,
        List.of());
  }

  private static void reset() {
    fake.received.clear();
    fake.rejectNext.set(0);
    fake.errorOnSessionUpdate = null;
    fake.dropAfterResponses = 0;
    fake.deltasPerResponse = 30;
    fake.betaNames = false;
    fake.rejectStatus = 503;
    fake.retryAfter = null;
    fake.errorMessage = "fake error";
    fake.errorOnSessionUpdateTimes.set(Integer.MAX_VALUE);
    fake.exhaustedResetSeconds = 0;
    fake.deltaIntervalMs = 20;
    fake.firstDeltaDelayMs = 0;
    fake.responseStatuses.clear();
    fake.timeline.clear();
    fake.handshakeNanos.clear();
    fake.failNextResponse = null;
    fake.modelsAsked.clear();
  }

  private static final String GREETING =
      "Hello, I'm your interviewer today. Could you start by explaining your approach to the problem?";

  @DisplayName(
      "session.update is GA-shaped with 24 kHz PCM in and out, semantic VAD and transcription; instructions stay under 2,000 tokens")
  @Test
  void sessionUpdateShape() {
    InterviewContext huge =
        new InterviewContext(
            UUID.randomUUID(),
            UUID.randomUUID(),
            "Title",
            "x".repeat(50_000),
            "hard",
            "java",
            "staff",
            3_600_000,
            List.of());
    JsonObject update = OpenAiRealtimeProvider.sessionUpdate(huge, "gpt-4o-mini-transcribe");
    JsonObject session = update.getJsonObject("session");
    assertThat(session.getString("type")).isEqualTo("realtime");
    assertThat(session.getJsonObject("audio").getJsonObject("input").getJsonObject("format"))
        .isEqualTo(new JsonObject().put("type", "audio/pcm").put("rate", 24_000));
    assertThat(
            session
                .getJsonObject("audio")
                .getJsonObject("output")
                .getJsonObject("format")
                .getInteger("rate"))
        .isEqualTo(24_000);
    assertThat(
            session
                .getJsonObject("audio")
                .getJsonObject("input")
                .getJsonObject("turn_detection")
                .getString("type"))
        .isEqualTo("semantic_vad");
    assertThat(
            session
                .getJsonObject("audio")
                .getJsonObject("input")
                .getJsonObject("transcription")
                .getString("model"))
        .isNotBlank();
    String instructions = session.getString("instructions");
    assertThat(instructions.length()).isLessThanOrEqualTo(InterviewerInstructions.MAX_CHARS);
    assertThat(instructions.length() / 4).as("≈ tokens").isLessThan(2_000);
    assertThat(InterviewerInstructions.build(huge)).contains("staff", "java", "Title");
  }

  @DisplayName("input_audio_buffer.append is valid JSON with exactly the type and the base64 audio")
  @Test
  void appendMessageShape() {
    byte[] pcm = new byte[4_800];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (byte) (i * 31);
    }
    JsonObject append =
        new JsonObject(
            OpenAiRealtimeProvider.appendMessage(io.vertx.core.buffer.Buffer.buffer(pcm)));
    assertThat(append.fieldNames()).containsExactlyInAnyOrder("type", "audio");
    assertThat(append.getString("type")).isEqualTo("input_audio_buffer.append");
    assertThat(java.util.Base64.getDecoder().decode(append.getString("audio"))).isEqualTo(pcm);
  }

  @DisplayName(
      "the fake's benchmark echo answers the compact append with an output audio delta of the same bytes")
  @Test
  void echoOfCompactAppend() {
    byte[] pcm = new byte[4_800];
    pcm[0] = 7;
    pcm[4_799] = -3;
    JsonObject delta =
        new JsonObject(
            FakeOpenAiRealtime.echoed(
                OpenAiRealtimeProvider.appendMessage(io.vertx.core.buffer.Buffer.buffer(pcm))));
    assertThat(delta.getString("type")).isEqualTo("response.output_audio.delta");
    assertThat(java.util.Base64.getDecoder().decode(delta.getString("delta"))).isEqualTo(pcm);
    assertThat(
            FakeOpenAiRealtime.echoed(
                "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA==\",\"x\":\"y\"}"))
        .as("anything but the compact form takes the JSON path")
        .isNull();
  }

  @DisplayName(
      "connect, send 3 s of audio, greeting audio and transcript arrive, barge-in cancels and truncates, disconnect leaves no socket")
  @Test
  void fullConversation() {
    reset();
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
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
        () -> !fake.received("conversation.item.truncate").isEmpty(),
        "truncate at the fake");
    assertThat(fake.received("response.cancel")).hasSize(1);
    assertThat(fake.received("response.cancel").get(0).getString("response_id"))
        .isEqualTo("resp_1");
    JsonObject truncate = fake.received("conversation.item.truncate").get(0);
    assertThat(truncate.getString("item_id")).isEqualTo("item_asst_1");
    assertThat(truncate.getInteger("content_index")).isZero();
    long heardMs = truncate.getLong("audio_end_ms");
    assertThat(heardMs).isPositive().isLessThan(3_000L);
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.finals("user").contains(FakeOpenAiRealtime.USER_SAYS),
        "user transcript");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.finals("assistant").stream().anyMatch(t -> t.contains("time complexity")),
        "the answer to the candidate");
    assertThat(fake.appendedBytes.get()).isGreaterThanOrEqualTo(48L * 3_000);
    String heard = BridgedVoiceSession.truncate(GREETING, heardMs);
    assertThat(heard).as("truncated greeting").isNotEqualTo(GREETING);
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> heard.equals(client.lastFinal("item_asst_1")),
        "the final, once stored");
    assertThat(client.lastFinal("item_asst_1")).isEqualTo(heard);
    loop.await(session::close);
    assertThat(loop.await(() -> voiceDb.transcriptText(s.sessionId(), "item_asst_1")))
        .as("the stored row is what was heard")
        .isEqualTo(heard);
    assertThat(loop.await(() -> voiceDb.transcriptText(s.sessionId(), "item_asst_2")))
        .isEqualTo("Good. What is the time complexity of that?");
    Loop.eventually(Duration.ofSeconds(3), () -> fake.open.isEmpty(), "the provider socket closed");
    assertThat(
            loop.await(() -> voiceDb.session(s.sessionId()))
                .getJsonObject("usage")
                .getLong("total_tokens"))
        .isGreaterThanOrEqualTo(300L);
    loop.await(providers::close);
  }

  @DisplayName("beta event names are understood too")
  @Test
  void betaNames() {
    reset();
    fake.betaNames = true;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !client.finals("assistant").isEmpty(),
        "greeting via beta names");
    assertThat(client.audioBytes()).isEqualTo(30L * 4_800);
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "the provider dropping mid-session fails over and the new connection gets the conversation so far")
  @Test
  void failoverRestoresContext() {
    reset();
    fake.dropAfterResponses = 1;
    fake.deltasPerResponse = 3;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    int before = fake.handshakes.get();
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5),
        () ->
            fake.handshakes.get() - before >= 2
                && !fake.received("conversation.item.create").isEmpty(),
        "a second connection restoring context");
    JsonObject restored = fake.received("conversation.item.create").get(0).getJsonObject("item");
    assertThat(restored.getString("role")).isEqualTo("assistant");
    assertThat(restored.getJsonArray("content").getJsonObject(0).getString("type"))
        .isEqualTo("output_text");
    assertThat(restored.getJsonArray("content").getJsonObject(0).getString("text"))
        .startsWith("Hello, I'm your interviewer");
    assertThat(client.hasError("provider_unavailable")).isFalse();
    fake.dropAfterResponses = 0;
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "every handshake failing: three retries, provider_unavailable, session errored and refunded once")
  @Test
  void retriesExhausted() {
    reset();
    fake.rejectNext.set(100);
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    int before = fake.handshakes.get();
    Throwable err =
        loop.failure(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    assertThat(err).isInstanceOf(ProviderUnavailable.class);
    assertThat(fake.handshakes.get() - before).isEqualTo(4);
    assertThat(client.hasError("provider_unavailable")).isTrue();
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> loop.await(() -> voiceDb.refunds(s.sessionId())) == 1L,
        "one refund");
    assertThat(loop.await(() -> voiceDb.session(s.sessionId())).getString("status"))
        .isEqualTo("errored");
    fake.rejectNext.set(0);
    loop.await(providers::close);
  }

  @DisplayName("an invalid key and an exhausted quota are fatal: one attempt, no retries")
  @Test
  void fatalErrors() {
    reset();
    Loop loop = new Loop(vertx);
    VoiceProviders bad = providers("sk-wrong");
    InterviewContext first = context(loop.await(voiceDb::chargedSession));
    InterviewContext second = context(loop.await(voiceDb::chargedSession));
    int before = fake.handshakes.get();
    Throwable err = loop.failure(() -> factory("sk-wrong", bad).open(first, new RecordingClient()));
    assertThat(err).isInstanceOf(ProviderUnavailable.class);
    assertThat(((ProviderUnavailable) err).lastCause()).isEqualTo("invalid_api_key");
    assertThat(fake.handshakes.get() - before).isEqualTo(1);

    fake.errorOnSessionUpdate = "insufficient_quota";
    VoiceProviders good = providers(FakeOpenAiRealtime.KEY);
    int before2 = fake.handshakes.get();
    Throwable quota =
        loop.failure(
            () -> factory(FakeOpenAiRealtime.KEY, good).open(second, new RecordingClient()));
    assertThat(((ProviderUnavailable) quota).lastCause()).isEqualTo("insufficient_quota");
    assertThat(fake.handshakes.get() - before2).isEqualTo(1);
    loop.await(bad::close);
    loop.await(good::close);
  }

  @DisplayName(
      "barge-in after response.done over a real socket: the greeting was all sent but is still playing, so it is truncated (no cancel: nothing is active)")
  @Test
  void bargeInAfterResponseDone() {
    reset();
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    // 3 s of greeting arrive in about 0.6 s; the candidate talks while the client still plays the
    // rest
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.responseStatuses.contains("completed"),
        "the greeting's response.done");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> GREETING.equals(client.lastFinal("item_asst_1")),
        "the final, once stored");
    assertThat(client.lastFinal("item_asst_1")).isEqualTo(GREETING);
    for (int i = 0; i < 5; i++) {
      loop.run(() -> session.audio(Audio.speech(100)));
    }
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !fake.received("conversation.item.truncate").isEmpty(),
        "truncate at the fake");
    assertThat(client.json("playback.clear")).hasSize(1);
    assertThat(fake.received("response.cancel")).isEmpty();
    JsonObject truncate = fake.received("conversation.item.truncate").get(0);
    assertThat(truncate.getString("item_id")).isEqualTo("item_asst_1");
    long heardMs = truncate.getLong("audio_end_ms");
    assertThat(heardMs).isPositive().isLessThan(3_000L);
    String heard = BridgedVoiceSession.truncate(GREETING, heardMs);
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> heard.equals(client.lastFinal("item_asst_1")),
        "the final, once stored");
    assertThat(client.lastFinal("item_asst_1")).isEqualTo(heard).isNotEqualTo(GREETING);
    loop.await(session::close);
    assertThat(loop.await(() -> voiceDb.transcriptText(s.sessionId(), "item_asst_1")))
        .isEqualTo(heard);
    loop.await(providers::close);
  }

  @DisplayName(
      "the client's own response.cancel stops the stream: cancel by response id, truncate to what was heard, the cut text stored")
  @Test
  void clientCancelStopsTheStream() {
    reset();
    fake.deltaIntervalMs =
        100; // real time: 3 s of greeting, still streaming when the client cancels
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> client.audioBytes() >= 4_800 * 10, "1 s of greeting audio");
    loop.run(session::cancel);
    assertThat(client.json("playback.clear")).hasSize(1);
    Loop.eventually(
        Duration.ofSeconds(5), () -> !fake.responseStatuses.isEmpty(), "the response ended");
    assertThat(fake.responseStatuses).containsExactly("cancelled");
    assertThat(fake.received("response.cancel"))
        .extracting(m -> m.getString("response_id"))
        .containsExactly("resp_1");
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !fake.received("conversation.item.truncate").isEmpty(),
        "truncate");
    long heardMs = fake.received("conversation.item.truncate").get(0).getLong("audio_end_ms");
    assertThat(heardMs).isBetween(500L, 3_000L);
    String heard = BridgedVoiceSession.truncate(GREETING, heardMs);
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> heard.equals(client.lastFinal("item_asst_1")),
        "the final, once stored");
    assertThat(client.lastFinal("item_asst_1")).isEqualTo(heard);
    loop.await(session::close);
    assertThat(loop.await(() -> voiceDb.transcriptText(s.sessionId(), "item_asst_1")))
        .isEqualTo(heard);
    loop.await(providers::close);
  }

  @DisplayName(
      "speech while a response is created but before its first audio delta truncates nothing: the server's interrupt_response cancels it")
  @Test
  void speechBeforeFirstDeltaTruncatesNothing() {
    reset();
    fake.deltasPerResponse = 3;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.responseStatuses.size() == 1, "the short greeting");
    Loop.sleep(600); // its 300 ms of audio have played out
    fake.firstDeltaDelayMs = 5_000;
    loop.run(
        () ->
            session.inject(
                new ContextNote(ContextNote.Kind.CODE_OBSERVATION, "They added a hash map.")));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.received("response.create").size() == 2,
        "the second response requested");
    for (int i = 0; i < 5; i++) {
      loop.run(() -> session.audio(Audio.speech(100)));
    }
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> fake.responseStatuses.size() == 2,
        "the server cancelled the silent response");
    assertThat(fake.responseStatuses).containsExactly("completed", "cancelled");
    assertThat(fake.received("conversation.item.truncate")).isEmpty();
    assertThat(fake.received("response.cancel")).isEmpty();
    assertThat(client.json("playback.clear")).isEmpty();
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "a 429 handshake with Retry-After: the client hears rate_limited and the retry waits at least that long")
  @Test
  void handshakeRateLimited() {
    reset();
    fake.rejectNext.set(1);
    fake.rejectStatus = 429;
    fake.retryAfter = "1";
    connectsAfterRateLimit(1_000);
  }

  @DisplayName(
      "an error rate_limit_exceeded on connect: rate_limited with the wait OpenAI names, and the retry honours it")
  @Test
  void rateLimitErrorOnConnect() {
    reset();
    fake.errorOnSessionUpdate = "rate_limit_exceeded";
    fake.errorMessage =
        "Rate limit reached for gpt-realtime on tokens per min. Please try again in 1.5s.";
    fake.errorOnSessionUpdateTimes.set(1);
    connectsAfterRateLimit(1_500);
  }

  /**
   * Opens a session against a fake that rate-limits the first attempt: the client is told the wait,
   * and the second attempt honours it.
   */
  private static void connectsAfterRateLimit(long retryAfterMs) {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    assertThat(client.json("error"))
        .extracting(j -> j.getString("code"), j -> j.getLong("retryAfterMs"))
        .containsExactly(tuple("rate_limited", retryAfterMs));
    assertThat(fake.handshakeNanos).hasSize(2);
    assertThat(Loop.millisBetween(fake.handshakeNanos.get(0), fake.handshakeNanos.get(1)))
        .isGreaterThanOrEqualTo(retryAfterMs);
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "rate_limits.updated with nothing remaining is information only: no error reaches the candidate")
  @Test
  void rateLimitsUpdatedIsInformation() {
    reset();
    fake.deltasPerResponse = 3;
    fake.exhaustedResetSeconds = 1.2;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> !fake.responseStatuses.isEmpty(), "the greeting done");
    loop.run(
        () ->
            session.inject(new ContextNote(ContextNote.Kind.TIME_WARNING, "Five minutes remain.")));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !fake.received("conversation.item.create").isEmpty(),
        "the note, without waiting");
    assertThat(client.json("error")).isEmpty();
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "a response failed with rate_limit_exceeded: rate_limited once, and an injected note waits until the window ends")
  @Test
  void failedResponseRateLimited() {
    reset();
    fake.deltasPerResponse = 3;
    fake.failNextResponse = "rate_limit_exceeded";
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(Duration.ofSeconds(5), () -> client.hasError("rate_limited"), "rate_limited");
    RecordingClient.Frame told =
        client.frames.stream()
            .filter(f -> f.json() != null && "error".equals(f.json().getString("type")))
            .findFirst()
            .orElseThrow();
    assertThat(told.json().getLong("retryAfterMs")).isEqualTo(1_000L);
    loop.run(
        () ->
            session.inject(new ContextNote(ContextNote.Kind.TIME_WARNING, "Five minutes remain.")));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !fake.received("conversation.item.create").isEmpty(),
        "the held note");
    long noteAt =
        fake.timeline.stream()
            .filter(r -> "conversation.item.create".equals(r.message().getString("type")))
            .findFirst()
            .orElseThrow()
            .nanos();
    assertThat(Loop.millisBetween(told.nanos(), noteAt)).isGreaterThanOrEqualTo(1_000L);
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "a response.done with status failed (server_error) fails over to a new connection instead of going silent")
  @Test
  void failedResponseFailsOver() {
    reset();
    fake.deltasPerResponse = 3;
    fake.failNextResponse = "server_error";
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    int before = fake.handshakes.get();
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.handshakes.get() - before >= 2, "a second connection");
    assertThat(fake.responseStatuses).startsWith("failed");
    assertThat(client.hasError("provider_unavailable")).isFalse();
    assertThat(providers.health().usable("openai")).isTrue();
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "a response failed with insufficient_quota: the provider is ruled out at once and marked unusable, the candidate told")
  @Test
  void failedResponseQuota() {
    reset();
    fake.deltasPerResponse = 3;
    fake.failNextResponse = "insufficient_quota";
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    int before = fake.handshakes.get();
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> client.hasError("provider_unavailable"),
        "provider_unavailable");
    assertThat(fake.handshakes.get() - before).as("no retry of a permanent refusal").isEqualTo(1);
    assertThat(providers.health().usable("openai")).isFalse();
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "the model id comes from configuration: ?model= is set (replacing one in the URL); an unknown model is refused once, not retried, and marked unusable")
  @Test
  void modelFromConfiguration() {
    reset();
    Loop loop = new Loop(vertx);
    VoiceProviders chosen =
        new VoiceProviders(
            vertx,
            new Config.Providers(
                    FakeOpenAiRealtime.KEY,
                    fake.url(port) + "?model=gpt-4o-realtime-preview",
                    null,
                    "ws://127.0.0.1:1/unused",
                    null,
                    null)
                .withModels(
                    new Config.Models(
                        "gpt-realtime-2", "gpt-4o-transcribe", "unused", "unused", "unused")));
    InterviewContext first = context(loop.await(voiceDb::chargedSession));
    InterviewContext second = context(loop.await(voiceDb::chargedSession));
    VoiceSession session =
        loop.await(
            () -> factory(FakeOpenAiRealtime.KEY, chosen).open(first, new RecordingClient()));
    assertThat(fake.modelsAsked).containsExactly("gpt-realtime-2");
    assertThat(
            fake.received("session.update")
                .get(0)
                .getJsonObject("session")
                .getJsonObject("audio")
                .getJsonObject("input")
                .getJsonObject("transcription")
                .getString("model"))
        .isEqualTo("gpt-4o-transcribe");
    loop.await(session::close);
    loop.await(chosen::close);

    VoiceProviders retired =
        new VoiceProviders(
            vertx,
            new Config.Providers(
                    FakeOpenAiRealtime.KEY,
                    fake.url(port),
                    null,
                    "ws://127.0.0.1:1/unused",
                    null,
                    null)
                .withModels(
                    new Config.Models(
                        "gpt-4o-realtime-preview-2024-10-01",
                        "gpt-4o-mini-transcribe",
                        "unused",
                        "unused",
                        "unused")));
    int before = fake.handshakes.get();
    Throwable err =
        loop.failure(
            () -> factory(FakeOpenAiRealtime.KEY, retired).open(second, new RecordingClient()));
    assertThat(((ProviderUnavailable) err).lastCause()).isEqualTo("model_not_found");
    assertThat(fake.handshakes.get() - before).isEqualTo(1);
    assertThat(retired.health().usable("openai")).isFalse();
    loop.await(retired::close);
  }

  @DisplayName(
      "push-to-talk: a commit after server VAD already answered sends nothing (no empty commit, no second answer); a real one commits and asks once")
  @Test
  void pushToTalk() {
    reset();
    fake.deltasPerResponse = 3;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    VoiceSession session =
        loop.await(() -> factory(FakeOpenAiRealtime.KEY, providers).open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.responseStatuses.size() == 1, "the greeting done");
    for (int i = 0; i < 10; i++) {
      loop.run(() -> session.audio(Audio.speech(100)));
    }
    loop.run(() -> session.audio(Audio.silence(600)));
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.responseStatuses.size() == 2, "the VAD's own answer");
    loop.run(session::commit);
    Loop.sleep(300);
    assertThat(fake.received("input_audio_buffer.commit")).isEmpty();
    assertThat(fake.received("response.create")).hasSize(1); // the greeting's only
    assertThat(client.json("error")).isEmpty();

    loop.run(() -> session.audio(Audio.silence(500))); // quiet speech the VAD does not hear
    loop.run(session::commit);
    loop.run(session::commit);
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.responseStatuses.size() == 3, "one answer to the commit");
    assertThat(fake.received("input_audio_buffer.commit")).hasSize(1);
    assertThat(fake.received("response.create")).hasSize(2);
    loop.await(session::close);
    loop.await(providers::close);
  }

  @DisplayName(
      "the fake is as strict as the API: an empty commit and an unknown session field are errors")
  @Test
  void fakeStrictness() {
    reset();
    Loop loop = new Loop(vertx);
    io.vertx.core.http.WebSocketClient raw = vertx.createWebSocketClient();
    List<JsonObject> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.http.WebSocket ws =
        loop.await(
            () ->
                raw.connect(
                    new io.vertx.core.http.WebSocketConnectOptions()
                        .setAbsoluteURI(fake.url(port) + "?model=gpt-realtime")
                        .addHeader("Authorization", "Bearer " + FakeOpenAiRealtime.KEY)));
    ws.textMessageHandler(t -> got.add(new JsonObject(t)));
    loop.run(
        () ->
            ws.writeTextMessage(
                new JsonObject().put("type", "input_audio_buffer.commit").encode()));
    loop.run(
        () ->
            ws.writeTextMessage(
                new JsonObject()
                    .put("type", "session.update")
                    .put(
                        "session", new JsonObject().put("type", "realtime").put("temperature", 0.7))
                    .encode()));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> got.stream().filter(m -> "error".equals(m.getString("type"))).count() == 2,
        "two errors");
    List<String> codes =
        got.stream()
            .filter(m -> "error".equals(m.getString("type")))
            .map(m -> m.getJsonObject("error").getString("code"))
            .toList();
    assertThat(codes).containsExactly("input_audio_buffer_commit_empty", "unknown_parameter");
    loop.await(ws::close);
    loop.await(raw::close);
  }

  @DisplayName("1,000 sessions opened and closed leave no provider sockets behind")
  @Test
  void thousandSessions() {
    reset();
    fake.deltasPerResponse = 1;
    Loop loop = new Loop(vertx);
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    DefaultVoiceSessionFactory factory = factory(FakeOpenAiRealtime.KEY, providers);
    for (int batch = 0; batch < 10; batch++) {
      List<VoiceSession> sessions =
          loop.await(
              () -> {
                List<Future<VoiceSession>> opened = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                  InterviewContext c =
                      new InterviewContext(
                          UUID.randomUUID(),
                          UUID.randomUUID(),
                          "T",
                          "d",
                          "easy",
                          "python",
                          "mid",
                          60_000,
                          List.of());
                  opened.add(factory.open(c, new RecordingClient()));
                }
                return Future.all(opened).map(cf -> cf.<VoiceSession>list());
              },
              Duration.ofSeconds(60));
      assertThat(fake.open.size()).isGreaterThanOrEqualTo(100);
      loop.await(() -> Future.all(sessions.stream().map(VoiceSession::close).toList()).mapEmpty());
    }
    Loop.eventually(
        Duration.ofSeconds(10), () -> fake.open.isEmpty(), "every provider socket closed");
    loop.await(providers::close);
  }

  @DisplayName(
      "a code snapshot is a system item asking for no answer, and the next one replaces it (delete, then create) so the model holds one copy")
  @Test
  void codeSnapshotReplacesThePrevious() {
    reset();
    fake.deltasPerResponse = 3;
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    RecordingClient client = new RecordingClient();
    VoiceProviders providers = providers(FakeOpenAiRealtime.KEY);
    BridgedVoiceSession.Settings quick =
        new BridgedVoiceSession.Settings(
            FAST.backoff(),
            FAST.connectTimeout(),
            FAST.responseTimeout(),
            FAST.maxFailovers(),
            Duration.ofMillis(200));
    VoiceSession session =
        loop.await(
            () ->
                new DefaultVoiceSessionFactory(
                        vertx,
                        new ProviderSelector(true, false),
                        providers,
                        batcher,
                        records,
                        records::markErroredAndRefund,
                        quick,
                        Clock.systemUTC())
                    .open(context(s), client));
    Loop.eventually(
        Duration.ofSeconds(5), () -> fake.responseStatuses.size() == 1, "the greeting done");
    loop.run(
        () -> session.inject(new ContextNote(ContextNote.Kind.CODE_SNAPSHOT, "def f(): pass")));
    Loop.sleep(300);
    loop.run(
        () -> session.inject(new ContextNote(ContextNote.Kind.CODE_SNAPSHOT, "def f(): return 1")));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !fake.received("conversation.item.delete").isEmpty(),
        "the old copy deleted");
    List<JsonObject> created = fake.received("conversation.item.create");
    assertThat(created)
        .extracting(m -> m.getJsonObject("item").getString("id"))
        .containsExactly("code_1", "code_2");
    assertThat(fake.received("conversation.item.delete").get(0).getString("item_id"))
        .isEqualTo("code_1");
    Loop.sleep(200);
    assertThat(fake.received("response.create")).as("no answer to a snapshot").hasSize(1);
    assertThat(client.json("error")).isEmpty();
    loop.await(session::close);
    loop.await(providers::close);
  }
}
