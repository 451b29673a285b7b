package com.interviewroom.session.signal;

import java.time.Duration;
import java.util.UUID;

/**
 * Every Redis key of a session, built here and nowhere else (the pub/sub channels are {@link
 * SessionSignals}). Each lives at most as long as the session's socket needs it, or expires on its
 * own.
 */
public final class SessionKeys {
  private SessionKeys() {}

  /**
   * Present while a gateway holds a live socket of the session; the value names that socket ({@link
   * SessionEnds}).
   */
  public static String socket(UUID sessionId) {
    return "session-socket:" + sessionId;
  }

  /**
   * The session's socket counter ({@code INCR}), so a late older socket cannot replace a newer one.
   */
  public static String epoch(UUID sessionId) {
    return "session:" + sessionId + ":epoch";
  }

  /** The live editor's latest code, restored by a reconnecting socket. */
  public static String code(UUID sessionId) {
    return "session:" + sessionId + ":code";
  }

  /**
   * Present while the live editor's auto-snapshot period runs; holds the time of the write that
   * started it.
   */
  public static String autoSnapshot(UUID sessionId) {
    return "session:" + sessionId + ":auto-snapshot";
  }

  /** The session's deadline in epoch milliseconds, the server timer's authority once activated. */
  public static String deadline(UUID sessionId) {
    return "session:" + sessionId + ":deadline";
  }

  /** Set once the time warning at {@code threshold} before the deadline went out. */
  public static String warning(UUID sessionId, Duration threshold) {
    return "session:" + sessionId + ":warned:" + threshold.toMillis();
  }

  /**
   * The current window of {@code POST /api/sessions/{id}/code}'s auto snapshots (one per window).
   */
  public static String restAutoSnapshotWindow(UUID sessionId) {
    return "snapshot-auto:" + sessionId;
  }

  /** The hash of the code the observer last saw of the session. */
  public static String observedCode(UUID sessionId) {
    return "observe-code-sent:" + sessionId;
  }

  /** Present while the observer's rate window of the session runs. */
  public static String observeRate(UUID sessionId) {
    return "observe-rate:" + sessionId;
  }

  /**
   * The distinct stream entries of one failure signal ({@code socket-drops}, ...) of the session.
   */
  public static String failureSignal(UUID sessionId, String signal) {
    return "failure-signals:" + sessionId + ":" + signal;
  }
}
