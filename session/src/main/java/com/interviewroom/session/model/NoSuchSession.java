package com.interviewroom.session.model;

/**
 * A status change asked for a session that does not exist (the edge answers 404 {@code not_found}).
 */
public final class NoSuchSession extends RuntimeException {
  public NoSuchSession() {
    super("No such session.", null, false, false);
  }
}
