package com.interviewroom.realtime.voice.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.cost.Kinds;
import com.interviewroom.common.cost.Metered;
import com.interviewroom.common.cost.PriceTable;
import com.interviewroom.realtime.support.Audio;
import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.RecordingClient;
import com.interviewroom.realtime.support.VoiceDb;
import com.interviewroom.realtime.support.VoiceTestBed;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.BridgedVoiceSession;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.VoiceSession;
import com.interviewroom.realtime.voice.providers.VoiceProviders;
import com.interviewroom.schema.cost.CostLedger;
import com.interviewroom.testkit.ProviderShapes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * OpenAI Realtime usage into the cost ledger: a {@code response.done} usage shaped as openai-python
 * declares it ({@code src/openai/types/realtime/realtime_response_usage*.py}, commit in {@code
 * provider-shapes/openai-realtime.json}) split into priced kinds, and a live conversation against
 * the fake writing one entry per response id and the day's totals.
 */
class OpenAiCostTest extends VoiceTestBed {
  private static final ProviderShapes SHAPES = ProviderShapes.load("openai-realtime");

  /** openai-python RealtimeResponseUsage with every detail field it declares. */
  private static final JsonObject DONE =
      new JsonObject(
          """
      {"type": "response.done", "event_id": "event_C1", "response": {"object": "realtime.response", "id": "resp_C1",
       "status": "completed", "output": [],
       "usage": {"total_tokens": 1650, "input_tokens": 1300, "output_tokens": 350,
         "input_token_details": {"text_tokens": 300, "audio_tokens": 1000, "image_tokens": 0, "cached_tokens": 400,
           "cached_tokens_details": {"text_tokens": 100, "audio_tokens": 300, "image_tokens": 0}},
         "output_token_details": {"text_tokens": 50, "audio_tokens": 300}}}}""");

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

  @Test
  @DisplayName(
      "a response.done usage fitting the SDK splits into text/audio in (uncached and cached) and out, priced at gpt-realtime's rates")
  void usageSplitsByKind() {
    assertThat(SHAPES.violations("server:response.done", DONE))
        .as("against " + SHAPES.source())
        .isEmpty();
    JsonObject metered = OpenAiUsage.metered(DONE.getJsonObject("response").getJsonObject("usage"));
    assertThat(metered.getMap())
        .containsOnly(
            Map.entry(Kinds.TEXT_IN, 200L),
            Map.entry(Kinds.TEXT_IN_CACHED, 100L),
            Map.entry(Kinds.AUDIO_IN, 700L),
            Map.entry(Kinds.AUDIO_IN_CACHED, 300L),
            Map.entry(Kinds.TEXT_OUT, 50L),
            Map.entry(Kinds.AUDIO_OUT, 300L));
    Map<String, Long> counts = new HashMap<>();
    metered.forEach(e -> counts.put(e.getKey(), ((Number) e.getValue()).longValue()));
    // 200×4 + 100×0.40 + 700×32 + 300×0.40 + 50×16 + 300×64 = 43,360 USD per million
    assertThat(
            PriceTable.builtIn()
                .price(
                    Metered.ofCounts("openai", "gpt-realtime", counts), LocalDate.of(2026, 12, 6))
                .usd())
        .isEqualByComparingTo("0.04336");
  }

  @Test
  @DisplayName(
      "a transcription's usage is priced by tokens (audio in, text in, text out) or by whole seconds of audio")
  void transcriptionUsage() {
    JsonObject tokens =
        new JsonObject()
            .put("type", "tokens")
            .put("input_tokens", 120)
            .put("output_tokens", 30)
            .put("total_tokens", 150)
            .put(
                "input_token_details",
                new JsonObject().put("audio_tokens", 110).put("text_tokens", 10));
    JsonObject event =
        new JsonObject()
            .put("type", "conversation.item.input_audio_transcription.completed")
            .put("event_id", "event_T1")
            .put("item_id", "item_T1")
            .put("content_index", 0)
            .put("transcript", "hello")
            .put("usage", tokens);
    assertThat(
            SHAPES.violations(
                "server:conversation.item.input_audio_transcription.completed", event))
        .as(SHAPES.source())
        .isEmpty();
    assertThat(OpenAiUsage.transcription(tokens).getMap())
        .containsOnly(
            Map.entry(Kinds.AUDIO_IN, 110L),
            Map.entry(Kinds.TEXT_IN, 10L),
            Map.entry(Kinds.TEXT_OUT, 30L));
    assertThat(
            OpenAiUsage.transcription(new JsonObject().put("type", "duration").put("seconds", 4.2))
                .getMap())
        .containsOnly(Map.entry(Kinds.AUDIO_SECONDS, 5L));
    assertThat(OpenAiUsage.transcription(null)).isNull();
  }

  @Test
  @DisplayName(
      "without token details, input counts as text and output as audio, so a bill is never under-counted")
  void fallbackWithoutDetails() {
    JsonObject metered =
        OpenAiUsage.metered(
            new JsonObject()
                .put("input_tokens", 120)
                .put("output_tokens", 80)
                .put("total_tokens", 200));
    assertThat(metered.getMap())
        .containsOnly(Map.entry(Kinds.TEXT_IN, 120L), Map.entry(Kinds.AUDIO_OUT, 80L));
  }

  @Test
  @DisplayName(
      "a conversation with the fake writes one cost entry per response id and the day's totals per kind")
  void conversationIsPriced() {
    Loop loop = new Loop(vertx);
    VoiceDb.Charged s = loop.await(voiceDb::chargedSession);
    CostLedger ledger =
        new CostLedger(
            voiceDb.db, PriceTable.builtIn(), new SimpleMeterRegistry(), Clock.systemUTC());
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
    PgSessionRecords records = new PgSessionRecords(voiceDb.db, ledger);
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
            new BridgedVoiceSession.Settings(
                List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)),
                Duration.ofSeconds(5),
                Duration.ofSeconds(2),
                3,
                Duration.ofMillis(1)),
            Clock.systemUTC());
    RecordingClient client = new RecordingClient();
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
    Loop.eventually(Duration.ofSeconds(5), () -> fake.responseStatuses.size() >= 1, "the greeting");
    loop.run(() -> session.audio(Audio.speech(300)));
    loop.run(() -> session.audio(Audio.silence(700)));
    Loop.eventually(Duration.ofSeconds(5), () -> fake.responseStatuses.size() >= 2, "the answer");
    // the fake counts a response when it sends response.done; the bridge prices it when it reads it
    Loop.eventually(
        Duration.ofSeconds(10),
        () ->
            loop.await(
                        () ->
                            voiceDb.db.asService(
                                conn ->
                                    conn.preparedQuery(
                                            "SELECT count(*)::int FROM cost_entries WHERE session_id = $1 AND event_key LIKE 'voice:openai:resp_%'")
                                        .execute(Tuple.of(s.sessionId()))))
                    .iterator()
                    .next()
                    .getInteger(0)
                >= fake.responseStatuses.size(),
        "every response read and priced");
    loop.await(session::close);
    loop.await(providers::close);

    List<Row> entries =
        loop
            .await(
                () ->
                    voiceDb.db.asService(
                        conn ->
                            conn.preparedQuery(
                                    "SELECT event_key, model, usage, usd, price_version FROM cost_entries WHERE session_id = $1 ORDER BY id")
                                .execute(Tuple.of(s.sessionId()))))
            .stream()
            .toList();
    int responses = fake.responseStatuses.size();
    List<Row> transcriptions =
        entries.stream()
            .filter(e -> e.getString("event_key").startsWith("voice:openai:transcription:"))
            .toList();
    entries = entries.stream().filter(e -> !transcriptions.contains(e)).toList();
    assertThat(entries).hasSize(responses);
    // the fake's transcription usage: {"type": "duration", "seconds": 1.5}, billed as 2 s of
    // gpt-4o-mini-transcribe
    assertThat(transcriptions)
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.getString("model")).isEqualTo("gpt-4o-mini-transcribe");
              assertThat(e.getJsonObject("usage").getMap())
                  .containsOnly(Map.entry(Kinds.AUDIO_SECONDS, 2));
              assertThat(e.getBigDecimal("usd")).isEqualByComparingTo("0.0001");
            });
    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e.getString("event_key")).startsWith("voice:openai:resp_");
              assertThat(e.getString("model")).isEqualTo("gpt-realtime");
              assertThat(e.getString("price_version")).isEqualTo("2026-12-01");
              // the fake's usage: input text 90, audio 10; output 50 without details (audio)
              assertThat(e.getJsonObject("usage").getMap())
                  .containsOnlyKeys(Kinds.TEXT_IN, Kinds.AUDIO_IN, Kinds.AUDIO_OUT);
              assertThat(e.getBigDecimal("usd"))
                  .isEqualByComparingTo(new BigDecimal("0.00388")); // 90×4 + 10×32 + 50×64
            });
    String firstKey = entries.getFirst().getString("event_key");
    assertThat(
            loop.await(
                () ->
                    ledger.record(
                        firstKey,
                        s.sessionId(),
                        Metered.ofCounts("openai", "gpt-realtime", Map.of(Kinds.TEXT_IN, 90L)))))
        .as("a repeated key adds nothing")
        .isFalse();
    Row audioOut =
        loop.await(
                () ->
                    voiceDb.db.asService(
                        conn ->
                            conn.preparedQuery(
                                    "SELECT quantity, usd FROM costs WHERE day = (now() AT TIME ZONE 'UTC')::date AND provider = 'openai' AND kind = 'audio_out'")
                                .execute()))
            .iterator()
            .next();
    assertThat(audioOut.getBigDecimal("quantity").longValue())
        .isGreaterThanOrEqualTo(50L * responses);
  }
}
