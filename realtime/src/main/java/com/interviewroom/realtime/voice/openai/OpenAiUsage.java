package com.interviewroom.realtime.voice.openai;

import com.interviewroom.common.cost.Kinds;
import io.vertx.core.json.JsonObject;

/**
 * A {@code response.done}'s {@code response.usage} (openai-python {@code
 * types/realtime/realtime_response_usage.py} and its {@code _input_token_details}/{@code
 * _output_token_details}) split into the priced kinds. {@code text_tokens} and {@code audio_tokens}
 * include their cached part, which {@code cached_tokens_details} gives; image tokens are priced as
 * text input. Without the details, all input counts as text input and all output as audio output
 * (the dearer kind: a bill is never under-counted).
 */
final class OpenAiUsage {
  private OpenAiUsage() {}

  static JsonObject metered(JsonObject usage) {
    JsonObject in = usage.getJsonObject("input_token_details");
    JsonObject out = usage.getJsonObject("output_token_details");
    JsonObject metered = new JsonObject();
    if (in == null) {
      metered.put(Kinds.TEXT_IN, usage.getLong("input_tokens", 0L));
    } else {
      JsonObject cached = in.getJsonObject("cached_tokens_details", new JsonObject());
      long cachedText = cached.getLong("text_tokens", 0L) + cached.getLong("image_tokens", 0L);
      long cachedAudio = cached.getLong("audio_tokens", 0L);
      if (cached.isEmpty() && in.getLong("cached_tokens", 0L) > 0) {
        cachedText =
            in.getLong("cached_tokens", 0L); // a total without its split: priced as cached text
      }
      long text = in.getLong("text_tokens", 0L) + in.getLong("image_tokens", 0L);
      long audio = in.getLong("audio_tokens", 0L);
      metered
          .put(Kinds.TEXT_IN, Math.max(0, text - cachedText))
          .put(Kinds.TEXT_IN_CACHED, Math.min(text, cachedText))
          .put(Kinds.AUDIO_IN, Math.max(0, audio - cachedAudio))
          .put(Kinds.AUDIO_IN_CACHED, Math.min(audio, cachedAudio));
    }
    if (out == null) {
      metered.put(Kinds.AUDIO_OUT, usage.getLong("output_tokens", 0L));
    } else {
      metered
          .put(Kinds.TEXT_OUT, out.getLong("text_tokens", 0L))
          .put(Kinds.AUDIO_OUT, out.getLong("audio_tokens", 0L));
    }
    return metered;
  }

  /**
   * The usage of {@code conversation.item.input_audio_transcription.completed} (openai-python
   * {@code conversation_item_input_audio_transcription_completed_event.py}: {@code
   * UsageTranscriptTextUsageTokens} with {@code input_token_details}, or {@code
   * UsageTranscriptTextUsageDuration} in seconds); null when absent.
   */
  static JsonObject transcription(JsonObject usage) {
    if (usage == null) {
      return null;
    }
    if ("duration".equals(usage.getString("type"))) {
      Object seconds = usage.getValue("seconds");
      // priced per second; a fraction is rounded up, as the provider bills whole seconds at least
      return seconds instanceof Number n
          ? new JsonObject().put(Kinds.AUDIO_SECONDS, (long) Math.ceil(n.doubleValue()))
          : null;
    }
    JsonObject in = usage.getJsonObject("input_token_details");
    JsonObject metered = new JsonObject().put(Kinds.TEXT_OUT, usage.getLong("output_tokens", 0L));
    if (in == null) {
      return metered.put(Kinds.AUDIO_IN, usage.getLong("input_tokens", 0L));
    }
    return metered
        .put(Kinds.AUDIO_IN, in.getLong("audio_tokens", 0L))
        .put(Kinds.TEXT_IN, in.getLong("text_tokens", 0L));
  }
}
