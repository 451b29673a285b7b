package com.interviewroom.common.observability;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open candidate WebSockets in this process, for {@code /health} and the gauge on {@code /metrics}.
 */
public final class OpenSockets {
  private static final AtomicInteger COUNT = new AtomicInteger();

  private OpenSockets() {}

  public static void opened() {
    COUNT.incrementAndGet();
  }

  public static void closed() {
    COUNT.decrementAndGet();
  }

  public static int count() {
    return COUNT.get();
  }
}
