package com.interviewroom.realtime.timer;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Vert.x timers one connection owns, so closing it cancels every one of them; {@code live}
 * counts the timers of all connections of a gateway (a leak shows up as a number that never returns
 * to zero). Used on the connection's event loop only.
 */
public final class OwnedTimers {
  private final Vertx vertx;
  private final AtomicInteger live;
  private final Set<Long> ids = new HashSet<>();
  private boolean closed;

  public OwnedTimers(Vertx vertx, AtomicInteger live) {
    this.vertx = vertx;
    this.live = live;
  }

  public void every(long periodMs, Handler<Long> handler) {
    if (closed) {
      return;
    }
    long id = vertx.setPeriodic(periodMs, handler);
    ids.add(id);
    live.incrementAndGet();
  }

  public void once(long delayMs, Handler<Long> handler) {
    if (closed) {
      return;
    }
    long[] holder = new long[1];
    holder[0] =
        vertx.setTimer(
            Math.max(1, delayMs),
            id -> {
              if (ids.remove(id)) {
                live.decrementAndGet();
              }
              handler.handle(id);
            });
    ids.add(holder[0]);
    live.incrementAndGet();
  }

  public void cancelAll() {
    closed = true;
    for (long id : ids) {
      vertx.cancelTimer(id);
      live.decrementAndGet();
    }
    ids.clear();
  }
}
