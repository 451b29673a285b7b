package com.interviewroom.realtime.timer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * One connection's view of its session's deadline: a {@code timer} tick every period (clamped at
 * zero), each warning threshold at most once per session (claimed in Redis), and expiry exactly at
 * the deadline. Event loop only; its timers belong to the connection's {@link OwnedTimers}.
 */
public final class SessionTimer {

  /** What the connection does at each moment. */
  public interface Listener {
    void tick(long remainingMs);

    void warning(Duration threshold, long remainingMs);

    void expired();
  }

  private final UUID sessionId;
  private final long deadlineMs;
  private final Deadlines deadlines;
  private final Clock clock;
  private final List<Duration> pendingWarnings;
  private final Listener listener;
  private boolean expired;

  public SessionTimer(
      UUID sessionId,
      long deadlineMs,
      Deadlines deadlines,
      Clock clock,
      List<Duration> warnings,
      Listener listener) {
    this.sessionId = sessionId;
    this.deadlineMs = deadlineMs;
    this.deadlines = deadlines;
    this.clock = clock;
    this.pendingWarnings = new ArrayList<>(warnings);
    this.pendingWarnings.sort(Comparator.naturalOrder());
    this.listener = listener;
  }

  public long remainingMs() {
    return Math.max(0, deadlineMs - clock.millis());
  }

  public void start(OwnedTimers timers, Duration tick) {
    timers.every(tick.toMillis(), id -> onTick());
    timers.once(remainingMs(), id -> expire());
    checkWarnings(remainingMs());
  }

  private void onTick() {
    long remaining = remainingMs();
    listener.tick(remaining);
    if (remaining == 0) {
      expire();
    } else {
      checkWarnings(remaining);
    }
  }

  /**
   * Only the tightest threshold already reached is spoken; wider ones that were skipped (a
   * reconnect with one minute left) are claimed silently so they never fire late.
   */
  private void checkWarnings(long remaining) {
    // every tick of every session asks; the widest threshold not yet reached answers without a
    // stream
    if (remaining == 0
        || expired
        || pendingWarnings.isEmpty()
        || remaining > pendingWarnings.getLast().toMillis()) {
      return;
    }
    List<Duration> reached =
        pendingWarnings.stream().filter(t -> remaining <= t.toMillis()).toList();
    if (reached.isEmpty()) {
      return;
    }
    pendingWarnings.removeAll(reached);
    Duration tightest = reached.getFirst();
    for (Duration threshold : reached) {
      deadlines
          .claimWarning(sessionId, threshold, deadlineMs)
          .onSuccess(
              first -> {
                if (first && threshold.equals(tightest) && !expired) {
                  listener.warning(threshold, remainingMs());
                }
              });
    }
  }

  private void expire() {
    if (!expired) {
      expired = true;
      listener.expired();
    }
  }
}
