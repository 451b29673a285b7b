package com.interviewroom.session.model;

import java.util.Locale;
import java.util.Set;

/**
 * The one place that knows the session life cycle: {@code scheduled → active → completed |
 * abandoned | errored}, and {@code scheduled → abandoned | errored}. Every status change in the
 * code asks {@link #require} first and then writes with a compare-and-set on the old status, so a
 * concurrent change can never slip an illegal step through.
 */
public enum SessionStatus {
  SCHEDULED,
  ACTIVE,
  COMPLETED,
  ABANDONED,
  ERRORED;

  public static SessionStatus of(String dbValue) {
    return valueOf(dbValue.toUpperCase(Locale.ROOT));
  }

  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isLive() {
    return this == SCHEDULED || this == ACTIVE;
  }

  public boolean canMoveTo(SessionStatus next) {
    return switch (this) {
      case SCHEDULED -> Set.of(ACTIVE, ABANDONED, ERRORED).contains(next);
      case ACTIVE -> Set.of(COMPLETED, ABANDONED, ERRORED).contains(next);
      case COMPLETED, ABANDONED, ERRORED -> false;
    };
  }

  /** The status a user's "end" moves a live session to: a session that never began is abandoned. */
  public SessionStatus endedByUser() {
    return this == ACTIVE ? COMPLETED : ABANDONED;
  }

  /** Fails with {@link IllegalTransition} unless {@code this → next} is allowed. */
  public void require(SessionStatus next) {
    if (!canMoveTo(next)) {
      throw illegal(this, next);
    }
  }

  public static IllegalTransition illegal(SessionStatus from, SessionStatus to) {
    return new IllegalTransition(from, to);
  }
}
