package com.interviewroom.common.outage;

/**
 * A backing service (Postgres, Redis) did not answer: refused, closed the connection, or gave no
 * answer within its timeout. Transient by nature; the caller may retry. Carries no stack trace of
 * its own (thousands are raised during an outage); the cause, when any, has one.
 */
public final class Unavailable extends RuntimeException {
  private final String dependency;

  public Unavailable(String dependency, String message, Throwable cause) {
    super(dependency + ": " + message, cause, false, false);
    this.dependency = dependency;
  }

  /** {@code postgres} or {@code redis}. */
  public String dependency() {
    return dependency;
  }
}
