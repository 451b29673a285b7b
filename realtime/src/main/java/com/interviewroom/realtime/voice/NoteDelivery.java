package com.interviewroom.realtime.voice;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Context notes for the interviewer, delivered when they cut nobody off: held while the candidate
 * speaks (at most {@link #MAX_SPEECH_HOLD_MS}), while a rate limit lasts and while no provider is
 * connected; the newest code snapshot at most every {@code codeRefresh}, and again to a new
 * provider. Event loop only.
 */
final class NoteDelivery {
  private static final int MAX_HELD_NOTES = 16;

  /** Notes wait for the end of the candidate's speech at most this long. */
  static final long MAX_SPEECH_HOLD_MS = 30_000;

  private final Vertx vertx;
  private final Clock clock;
  private final long codeRefreshMs;

  /** Its provider, asked at each delivery: notes go to the one speaking when they go out. */
  private final BridgedVoiceSession bridge;

  private boolean closed;
  private final List<ContextNote> heldNotes = new ArrayList<>();
  private long rateLimitTimer = -1;

  /**
   * The newest code snapshot: re-sent to a new provider after a failover, and the one a pending
   * refresh sends.
   */
  private ContextNote latestCode;

  private boolean codeQueued;
  private long codeSentAtMs = Long.MIN_VALUE / 2;
  private long codeTimer = -1;

  /**
   * Between the provider's speech start and stop: notes wait, an injection would talk over (or cut)
   * the candidate.
   */
  private boolean candidateSpeaking;

  private long speakingTimer = -1;

  NoteDelivery(Vertx vertx, Clock clock, long codeRefreshMs, BridgedVoiceSession bridge) {
    this.vertx = vertx;
    this.clock = clock;
    this.codeRefreshMs = codeRefreshMs;
    this.bridge = bridge;
  }

  /** The newest code snapshot, sent when {@link #refreshCode} allows. */
  void code(ContextNote note) {
    latestCode = note;
    codeQueued = true;
    refreshCode();
  }

  /** A note for the interviewer: now, or held until nobody is cut off. */
  void note(ContextNote note) {
    VoiceProvider provider = bridge.provider();
    if (provider != null && rateLimitTimer < 0 && !candidateSpeaking) {
      provider.inject(note);
    } else if (heldNotes.size() < MAX_HELD_NOTES) {
      heldNotes.add(
          note); // delivered after a reconnect, when the rate limit lifts or when the candidate
      // stops speaking
    }
  }

  /** Whether a rate-limit window is running. */
  boolean rateLimited() {
    return rateLimitTimer >= 0;
  }

  /** Holds notes for {@code retryAfterMs} (a rate limit's window), then delivers them. */
  void holdFor(long retryAfterMs) {
    rateLimitTimer =
        vertx.setTimer(
            Math.max(1, retryAfterMs),
            id -> {
              rateLimitTimer = -1;
              deliverHeldNotes();
            });
  }

  /** The candidate began to speak: notes wait for the end of the turn. */
  void candidateSpeaks() {
    candidateSpeaking = true;
    cancelTimer(speakingTimer);
    // a start without a stop (a provider's own barge-in signal) must not hold notes forever
    speakingTimer =
        vertx.setTimer(
            MAX_SPEECH_HOLD_MS,
            id -> {
              speakingTimer = -1;
              candidateDone();
            });
  }

  /**
   * The candidate's turn is over (speech stopped, or the interviewer answers): held notes go out.
   */
  void candidateDone() {
    if (!candidateSpeaking) {
      return;
    }
    candidateSpeaking = false;
    cancelTimer(speakingTimer);
    speakingTimer = -1;
    deliverHeldNotes();
  }

  /**
   * A new provider was adopted: nobody is speaking to it yet, it has never seen the code, held
   * notes go out.
   */
  void adopted() {
    candidateSpeaking = false;
    cancelTimer(speakingTimer);
    speakingTimer = -1;
    if (latestCode != null) {
      codeQueued = true; // a new provider has never seen the code
      codeSentAtMs = Long.MIN_VALUE / 2;
    }
    deliverHeldNotes();
  }

  void close() {
    closed = true;
    cancelTimer(rateLimitTimer);
    cancelTimer(codeTimer);
    cancelTimer(speakingTimer);
  }

  /**
   * Sends the newest code snapshot when one is waiting: at once when the last went out at least
   * {@code codeRefresh} ago, else when that time is up; never while the candidate speaks, a rate
   * limit lasts or no provider is connected (held notes are delivered then).
   */
  private void refreshCode() {
    VoiceProvider provider = bridge.provider();
    if (!codeQueued
        || provider == null
        || closed
        || rateLimitTimer >= 0
        || candidateSpeaking
        || codeTimer >= 0) {
      return;
    }
    long wait = codeSentAtMs + codeRefreshMs - clock.millis();
    if (wait > 0) {
      codeTimer =
          vertx.setTimer(
              wait,
              id -> {
                codeTimer = -1;
                refreshCode();
              });
      return;
    }
    codeQueued = false;
    codeSentAtMs = clock.millis();
    provider.inject(latestCode);
  }

  private void deliverHeldNotes() {
    VoiceProvider provider = bridge.provider();
    if (provider == null || closed || rateLimitTimer >= 0 || candidateSpeaking) {
      return;
    }
    refreshCode();
    List<ContextNote> notes = List.copyOf(heldNotes);
    heldNotes.clear();
    notes.forEach(provider::inject);
  }

  private void cancelTimer(long id) {
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }
}
