package com.interviewroom.session.model;

/**
 * The session's status kept changing under an end (the edge answers 409 {@code concurrent_change}).
 */
public final class ConcurrentChange extends RuntimeException {
  public ConcurrentChange() {
    super("The session changed; try again.", null, false, false);
  }
}
