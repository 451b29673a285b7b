package com.interviewroom.session.model;

/**
 * One allowed move of the life cycle, {@code from → to}; constructing an illegal one fails with
 * {@link IllegalTransition}. Each move is logged as an {@code events} row of {@link #eventKind()}.
 */
public record Transition(SessionStatus from, SessionStatus to) {
  /** The candidate's first connect. */
  public static final Transition ACTIVATE =
      new Transition(SessionStatus.SCHEDULED, SessionStatus.ACTIVE);

  /** The sweeper: an active session past its deadline. */
  public static final Transition EXPIRE =
      new Transition(SessionStatus.ACTIVE, SessionStatus.COMPLETED);

  /** The sweeper: a scheduled session nobody started. */
  public static final Transition ABANDON_UNSTARTED =
      new Transition(SessionStatus.SCHEDULED, SessionStatus.ABANDONED);

  public Transition {
    from.require(to);
  }

  /**
   * {@code session.activated}, {@code session.completed}, {@code session.abandoned} or {@code
   * session.errored}.
   */
  public String eventKind() {
    return "session." + (to == SessionStatus.ACTIVE ? "activated" : to.dbValue());
  }
}
