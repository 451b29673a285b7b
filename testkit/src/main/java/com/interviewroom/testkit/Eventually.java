package com.interviewroom.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls from the test thread until something another thread does has happened. */
public final class Eventually {
  /** How long to poll: the longest of the waits tests used to copy, so that none gives up sooner than it did. */
  public static final Duration WITHIN = Duration.ofSeconds(60);
  // quick to notice at first, then light on what is polled (a query, an HTTP call under rate limits)
  private static final long FIRST_PAUSE_MS = 10;
  private static final long LONGEST_PAUSE_MS = 200;

  private Eventually() {}

  /** Returns once {@code condition} holds; fails the test naming {@code what} when it does not within {@link #WITHIN}. */
  public static void eventually(String what, BooleanSupplier condition) {
    poll(what, condition::getAsBoolean, Boolean::booleanValue);
  }

  /** Reads until {@code done} accepts the value and returns that value; fails the test with the last one read. */
  public static <T> T poll(String what, Supplier<T> read, Predicate<T> done) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    long pause = FIRST_PAUSE_MS;
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WITHIN.toSeconds() + " s: " + what + "; last: " + last);
      }
      sleep(pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
      last = read.get();
    }
    return last;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
