package com.interviewroom.realtime.voice.gemini;

import com.interviewroom.common.cost.Kinds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A Live API message's {@code usageMetadata} (google-genai {@code types.py#UsageMetadata}, per
 * modality in {@code ModalityTokenCount}) split into the priced kinds: prompt and tool-use prompt
 * tokens are input, response and thinking tokens output; AUDIO is audio, every other modality is
 * priced as text; {@code cacheTokensDetails} is the cached part of the prompt. Without details, the
 * prompt counts as text input and the response as audio output (the dearer kind).
 */
final class GeminiUsage {
  private GeminiUsage() {}

  static JsonObject metered(JsonObject usage) {
    long[] in =
        byModality(
            usage.getJsonArray("promptTokensDetails"),
            usage.getLong("promptTokenCount", 0L),
            false);
    long[] tools =
        byModality(
            usage.getJsonArray("toolUsePromptTokensDetails"),
            usage.getLong("toolUsePromptTokenCount", 0L),
            false);
    long[] cached =
        byModality(
            usage.getJsonArray("cacheTokensDetails"),
            usage.getLong("cachedContentTokenCount", 0L),
            false);
    long[] out =
        byModality(
            usage.getJsonArray("responseTokensDetails"),
            usage.getLong("responseTokenCount", usage.getLong("candidatesTokenCount", 0L)),
            true);
    long textIn = in[0] + tools[0];
    long audioIn = in[1] + tools[1];
    return new JsonObject()
        .put(Kinds.TEXT_IN, Math.max(0, textIn - cached[0]))
        .put(Kinds.TEXT_IN_CACHED, Math.min(textIn, cached[0]))
        .put(Kinds.AUDIO_IN, Math.max(0, audioIn - cached[1]))
        .put(Kinds.AUDIO_IN_CACHED, Math.min(audioIn, cached[1]))
        .put(Kinds.TEXT_OUT, out[0] + usage.getLong("thoughtsTokenCount", 0L))
        .put(Kinds.AUDIO_OUT, out[1]);
  }

  /**
   * {text, audio} from the per-modality list, or the whole {@code total} as one of them when there
   * is none.
   */
  private static long[] byModality(JsonArray details, long total, boolean totalIsAudio) {
    long[] split = new long[2];
    if (details == null || details.isEmpty()) {
      split[totalIsAudio ? 1 : 0] = total;
      return split;
    }
    for (Object item : details) {
      if (item instanceof JsonObject d) {
        split["AUDIO".equals(d.getString("modality")) ? 1 : 0] += d.getLong("tokenCount", 0L);
      }
    }
    return split;
  }
}
