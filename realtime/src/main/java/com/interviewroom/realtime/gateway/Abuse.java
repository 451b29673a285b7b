package com.interviewroom.realtime.gateway;

/**
 * Tracks how long a connection has been over its rate limits. A rejection less than a second after
 * the previous one continues the streak; a quiet second ends it. A streak longer than the allowed
 * duration is sustained abuse.
 */
final class Abuse {
  private static final long GAP_NANOS = 1_000_000_000L;
  private final long allowedNanos;
  private long streakStart = -1;
  private long lastRejection;
  private long lastErrorSent = Long.MIN_VALUE / 2;

  Abuse(long allowedNanos) {
    this.allowedNanos = allowedNanos;
  }

  /** Records a rejection; true when the streak has lasted too long. */
  boolean rejected(long now) {
    if (streakStart < 0 || now - lastRejection > GAP_NANOS) {
      streakStart = now;
    }
    lastRejection = now;
    return now - streakStart >= allowedNanos;
  }

  /**
   * At most a few {@code rate_limited} errors per second go back, so the errors are no amplifier.
   */
  boolean shouldTell(long now) {
    if (now - lastErrorSent >= GAP_NANOS / 4) {
      lastErrorSent = now;
      return true;
    }
    return false;
  }
}
