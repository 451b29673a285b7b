package com.interviewroom.realtime.recording;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * What a connection tells the recording of its session; every call on the connection's event loop.
 */
public interface Recorder {
  /** Records nothing: recording is off for the deployment or the user. */
  Recorder OFF =
      new Recorder() {
        @Override
        public void candidate(Buffer pcm16At24k) {}

        @Override
        public void interviewer(Buffer pcm16At24k) {}

        @Override
        public void interviewerCleared() {}

        @Override
        public Future<Void> close() {
          return Future.succeededFuture();
        }
      };

  /** Microphone audio as the gateway accepted it (PCM16 LE mono 24 kHz). */
  void candidate(Buffer pcm16At24k);

  /** Interviewer audio as it goes to the candidate's player. */
  void interviewer(Buffer pcm16At24k);

  /** The player was told to drop queued interviewer audio (a barge-in). */
  void interviewerCleared();

  /**
   * Hands off the last chunk; completes when this socket's chunks are stored (or lost). Idempotent.
   */
  Future<Void> close();
}
