package com.interviewroom.schema.console;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What the failure detector can find in an interview, how bad it is, and how often it may be
 * recorded: {@code perSession} kinds once per session, the others once per session and {@link
 * #WINDOW_MS} window (a long interview can be silent twice, twenty minutes apart).
 */
public enum FailureKind {
  PROVIDER_UNAVAILABLE(Severity.HIGH, true),
  PROVIDER_FAILOVER(Severity.MEDIUM, false),
  SESSION_ERRORED_REFUNDED(Severity.HIGH, true),
  EVALUATION_FAILED(Severity.MEDIUM, true),
  EVALUATION_DEAD_LETTERED(Severity.HIGH, true),
  INTERVIEWER_SILENT(Severity.HIGH, false),
  SLOW_FIRST_AUDIO(Severity.MEDIUM, true),
  REPEATED_BARGE_INS(Severity.LOW, true),
  SANDBOX_UNAVAILABLE(Severity.MEDIUM, false),
  SOCKET_DROPS(Severity.MEDIUM, true);

  /** The window of the kinds that may recur in one session: 15 minutes. */
  public static final long WINDOW_MS = 15 * 60 * 1000;

  public enum Severity {
    LOW(5),
    MEDIUM(15),
    HIGH(30);

    /** What one failure of this severity takes off a session's health. */
    public final int points;

    Severity(int points) {
      this.points = points;
    }

    public String dbValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public final Severity severity;
  private final boolean perSession;

  FailureKind(Severity severity, boolean perSession) {
    this.severity = severity;
    this.perSession = perSession;
  }

  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<FailureKind> of(String dbValue) {
    return Arrays.stream(values()).filter(k -> k.dbValue().equals(dbValue)).findFirst();
  }

  /** Session, kind and window: the unique key that makes a repeated detection a no-op. */
  public String dedupKey(java.util.UUID sessionId, long atMs) {
    return sessionId
        + ":"
        + dbValue()
        + ":"
        + (perSession ? "session" : Long.toString(Math.floorDiv(atMs, WINDOW_MS)));
  }
}
