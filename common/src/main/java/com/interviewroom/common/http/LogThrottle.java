package com.interviewroom.common.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per key and interval, counting what it held back in between. Thread-safe.
 */
final class LogThrottle {
  private final long intervalNanos;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  LogThrottle(long intervalNanos) {
    this.intervalNanos = intervalNanos;
  }

  private static final class Window {
    final AtomicLong nextNanos;
    final AtomicLong held = new AtomicLong();

    Window(long now) {
      this.nextNanos = new AtomicLong(now);
    }
  }

  /**
   * How many were held back since the last permitted line, or -1 when this one is held back too.
   */
  long permit(String key) {
    long now = System.nanoTime();
    Window window = windows.computeIfAbsent(key, k -> new Window(now));
    long next = window.nextNanos.get();
    if (now - next >= 0 && window.nextNanos.compareAndSet(next, now + intervalNanos)) {
      return window.held.getAndSet(0);
    }
    window.held.incrementAndGet();
    return -1;
  }
}
