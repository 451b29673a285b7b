package com.interviewroom.session.model;

/**
 * A status change the life cycle does not allow (a completed session activated again, an ended one
 * errored). The edge answers it with 409 {@code illegal_transition}; the gateway takes it to mean
 * that someone else ended the session first.
 */
public final class IllegalTransition extends RuntimeException {
  private final SessionStatus from;
  private final SessionStatus to;

  public IllegalTransition(SessionStatus from, SessionStatus to) {
    super(
        "A " + from.dbValue() + " session cannot become " + to.dbValue() + ".", null, false, false);
    this.from = from;
    this.to = to;
  }

  public SessionStatus from() {
    return from;
  }

  public SessionStatus to() {
    return to;
  }
}
