package com.interviewroom.realtime.voice.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.cost.Kinds;
import com.interviewroom.common.cost.Metered;
import com.interviewroom.common.cost.PriceTable;
import com.interviewroom.testkit.ProviderShapes;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Gemini Live usage into priced kinds: a {@code usageMetadata} shaped as google-genai declares it
 * ({@code google/genai/types.py#UsageMetadata} and {@code #ModalityTokenCount}, commit in {@code
 * provider-shapes/gemini-live.json}).
 */
class GeminiUsageTest {
  private static final ProviderShapes SHAPES = ProviderShapes.load("gemini-live");
  private static final JsonObject MESSAGE =
      new JsonObject(
          """
      {"serverContent": {"turnComplete": true},
       "usageMetadata": {"promptTokenCount": 1500, "cachedContentTokenCount": 200, "responseTokenCount": 420,
         "toolUsePromptTokenCount": 30, "thoughtsTokenCount": 12, "totalTokenCount": 1962,
         "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 500}, {"modality": "AUDIO", "tokenCount": 1000}],
         "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 200}],
         "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": 400}, {"modality": "TEXT", "tokenCount": 20}],
         "toolUsePromptTokensDetails": [{"modality": "TEXT", "tokenCount": 30}]}}""");

  @Test
  @DisplayName(
      "usageMetadata fitting the SDK splits by modality: prompt and tool prompt in, cache apart, response and thoughts out")
  void usageSplitsByModality() {
    assertThat(SHAPES.violations("server", MESSAGE)).as("against " + SHAPES.source()).isEmpty();
    JsonObject metered = GeminiUsage.metered(MESSAGE.getJsonObject("usageMetadata"));
    assertThat(metered.getMap())
        .containsOnly(
            Map.entry(Kinds.TEXT_IN, 330L),
            Map.entry(Kinds.TEXT_IN_CACHED, 200L),
            Map.entry(Kinds.AUDIO_IN, 1000L),
            Map.entry(Kinds.AUDIO_IN_CACHED, 0L),
            Map.entry(Kinds.TEXT_OUT, 32L),
            Map.entry(Kinds.AUDIO_OUT, 400L));
    Map<String, Long> counts = new HashMap<>();
    metered.forEach(e -> counts.put(e.getKey(), ((Number) e.getValue()).longValue()));
    // (330 + 200) × 0.50 + 1000 × 3 + 32 × 2 + 400 × 12 = 8,129 USD per million
    assertThat(
            PriceTable.builtIn()
                .price(
                    Metered.ofCounts(
                        "gemini", "gemini-2.5-flash-native-audio-preview-12-2025", counts),
                    LocalDate.of(2026, 12, 6))
                .usd())
        .isEqualByComparingTo("0.008129");
  }

  @Test
  @DisplayName(
      "the fake's bare counts (no per-modality details) price the prompt as text in and the response as audio out")
  void bareCounts() {
    JsonObject metered =
        GeminiUsage.metered(
            new JsonObject()
                .put("promptTokenCount", 120)
                .put("responseTokenCount", 40)
                .put("totalTokenCount", 160));
    assertThat(metered.getMap())
        .containsEntry(Kinds.TEXT_IN, 120L)
        .containsEntry(Kinds.AUDIO_OUT, 40L)
        .containsEntry(Kinds.AUDIO_IN, 0L)
        .containsEntry(Kinds.TEXT_OUT, 0L);
  }
}
