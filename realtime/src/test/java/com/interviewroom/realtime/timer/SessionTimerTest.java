package com.interviewroom.realtime.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The session timer")
class SessionTimerTest {
  private final Vertx vertx = Vertx.vertx();
  private final Redis redis = Redis.createClient(vertx, TestRedis.url());

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "past the deadline (a fixed clock) it reports 0, never a negative time, ticks 0 and expires once without warning")
  void clampedPastTheDeadline() throws Exception {
    Instant now = Instant.parse("2026-01-01T10:00:00Z");
    Clock fixed = Clock.fixed(now, ZoneOffset.UTC);
    long deadlineMs = now.minusSeconds(90).toEpochMilli();
    List<Long> ticks = new CopyOnWriteArrayList<>();
    AtomicInteger expired = new AtomicInteger();
    AtomicInteger warnings = new AtomicInteger();
    CountDownLatch threeTicks = new CountDownLatch(3);
    SessionTimer timer =
        new SessionTimer(
            UUID.randomUUID(),
            deadlineMs,
            new Deadlines(redis, fixed),
            fixed,
            List.of(Duration.ofMinutes(5), Duration.ofMinutes(1)),
            new SessionTimer.Listener() {
              @Override
              public void tick(long remainingMs) {
                ticks.add(remainingMs);
                threeTicks.countDown();
              }

              @Override
              public void warning(Duration threshold, long remainingMs) {
                warnings.incrementAndGet();
              }

              @Override
              public void expired() {
                expired.incrementAndGet();
              }
            });
    assertEquals(0, timer.remainingMs());
    AtomicInteger live = new AtomicInteger();
    OwnedTimers timers = new OwnedTimers(vertx, live);
    vertx.runOnContext(v -> timer.start(timers, Duration.ofMillis(20)));
    assertTrue(threeTicks.await(10, TimeUnit.SECONDS), "ticks keep coming");
    vertx.runOnContext(v -> timers.cancelAll());
    assertTrue(ticks.stream().allMatch(t -> t == 0), "clamped at zero: " + ticks);
    assertEquals(1, expired.get(), "expires once, however many ticks see zero");
    assertEquals(0, warnings.get(), "no warning once the time is up");
  }
}
