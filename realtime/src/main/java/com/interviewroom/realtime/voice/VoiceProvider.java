package com.interviewroom.realtime.voice;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * One conversation with a voice AI (OpenAI Realtime, Gemini Live, or the local simulated
 * interviewer). Everything downstream sees only {@link VoiceEvent}s, never which provider spoke.
 * Every method is called on the owning connection's event loop and never blocks.
 */
public interface VoiceProvider {

  /** {@code openai}, {@code gemini} or {@code local}; stored on the session. */
  String name();

  /**
   * Opens the provider connection with the interview's instructions; events flow to {@code events}.
   */
  Future<Void> connect(InterviewContext context, VoiceEvents events);

  /**
   * Candidate audio: PCM16 little-endian mono at 24 kHz (providers resample when they need another
   * rate).
   */
  void sendAudio(Buffer pcm16At24k);

  /**
   * The candidate finished a turn (push-to-talk clients; server VAD usually makes this
   * unnecessary).
   */
  void commit();

  /**
   * Barge-in: stop the current response. {@code playedMs} is how much of the current assistant
   * audio the client actually played, so the provider can truncate what the model believes it said.
   */
  void cancel(long playedMs);

  /**
   * Adds context the interviewer should use naturally (code observations, execution results, time
   * warnings).
   */
  void inject(ContextNote note);

  /** Closes the provider connection and releases every timer; idempotent. */
  Future<Void> disconnect();
}
