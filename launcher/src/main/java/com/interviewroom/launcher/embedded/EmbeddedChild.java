package com.interviewroom.launcher.embedded;

/**
 * An embedded server running as a child process of the launcher, which restarts it when it dies.
 */
public interface EmbeddedChild extends AutoCloseable {
  /** {@code postgres} or {@code redis}. */
  String name();

  /**
   * The server process exists (a paused process does: pauses are met by timeouts, not restarts).
   */
  boolean alive();

  /** Blocking: starts the server again on the same data and port. */
  void restart() throws Exception;
}
