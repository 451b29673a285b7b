package com.interviewroom.realtime.voice;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The provider-neutral event stream of a voice conversation. */
public sealed interface VoiceEvent {
  /**
   * Optional fields of a {@link ResponseDone}'s usage: the tokens by priced kind ({@code
   * com.interviewroom.common.cost.Kinds}), the model that produced them, and the provider's id of
   * the response (a cost entry's idempotency key when present).
   */
  String METERED = "metered";

  String MODEL = "model";
  String RESPONSE_ID = "response_id";

  /**
   * Assistant audio, PCM16 LE mono 24 kHz, bytes exactly as the provider produced them (resampled
   * only if its rate differs).
   */
  record Audio(String itemId, Buffer pcm16At24k) implements VoiceEvent {}

  /** Part of a transcript; {@code role} is {@code user} or {@code assistant}. */
  record TranscriptDelta(String role, String itemId, String text) implements VoiceEvent {}

  /** A finished transcript item; the text replaces any deltas. */
  record TranscriptFinal(String role, String itemId, String text) implements VoiceEvent {}

  /** The candidate started speaking (barge-in when the assistant is speaking). */
  record SpeechStarted() implements VoiceEvent {}

  record SpeechStopped() implements VoiceEvent {}

  /** A response finished; {@code usage} holds token counts as the provider reported them. */
  record ResponseDone(String itemId, JsonObject usage) implements VoiceEvent {}

  /**
   * Usage of a provider call that is no response (OpenAI's transcription of the candidate's audio):
   * priced like a response's usage, from {@link #METERED}, {@link #MODEL} and {@link #RESPONSE_ID}.
   */
  record Metering(JsonObject usage) implements VoiceEvent {}

  /** The provider asks us to slow down. */
  record RateLimited(long retryAfterMs) implements VoiceEvent {}

  /** An error; {@code fatal} ones (invalid key, quota) are not retried. */
  record Error(String code, String message, boolean fatal) implements VoiceEvent {}

  /**
   * A response failed on the provider's side (OpenAI {@code response.done} with {@code status:
   * "failed"}): the interviewer would go silent, so the bridge fails over; {@code fatal} ones
   * (insufficient quota, invalid key) also rule the provider out.
   */
  record ResponseFailed(String code, String message, boolean fatal) implements VoiceEvent {}

  /** The provider connection is gone (for failover); {@code expected} after our own disconnect. */
  record Closed(String reason, boolean expected) implements VoiceEvent {}
}
