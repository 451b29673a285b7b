package com.interviewroom.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls from the test thread until something another thread does has happened, for at most {@link
 * #WITHIN}. {@link #eventually} checks cheap state (a counter, a field, a key) often, so that tests
 * racing a timer notice at once; {@link #poll} reads something that costs (a query, an HTTP call
 * that counts against the rate limit) five times a second.
 */
public final class Eventually {
  /**
   * How long to wait: the longest of the waits tests used to copy, so that none gives up sooner
   * than it did.
   */
  public static final Duration WITHIN = Duration.ofSeconds(60);

  private static final Duration CHECK_EVERY = Duration.ofMillis(20);
  private static final Duration READ_EVERY = Duration.ofMillis(200);

  private Eventually() {}

  /**
   * Returns once {@code condition} holds; fails the test naming {@code what} when it does not in
   * time.
   */
  public static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WITHIN.toSeconds() + " s: " + what);
      }
      sleep(CHECK_EVERY);
    }
  }

  /**
   * Reads until {@code done} accepts the value and returns that value; fails the test with the last
   * one read.
   */
  public static <T> T poll(String what, Supplier<T> read, Predicate<T> done) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not within " + WITHIN.toSeconds() + " s: " + what + "; last: " + last);
      }
      sleep(READ_EVERY);
      last = read.get();
    }
    return last;
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
