package com.interviewroom.realtime.voice;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The voice half of one candidate connection, as the gateway drives it: frames in, and the session
 * writes audio, transcripts and status to its {@link ClientChannel}. It owns the provider,
 * barge-in, status, transcript persistence, retries and failover.
 */
public interface VoiceSession {
  void audio(Buffer pcm16At24k);

  void commit();

  /** The client asked to stop the current response ({@code response.cancel}). */
  void cancel();

  void inject(ContextNote note);

  /** The provider in use (or tried last), for error reports; null when none is involved. */
  default String providerTag() {
    return null;
  }

  /** Releases the provider socket, timers and flushes transcripts; idempotent. */
  Future<Void> close();
}
