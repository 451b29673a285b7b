package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.SandboxProcess;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import com.interviewroom.sandbox.isolation.Slot;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does work in a taken slot on a platform thread and waits for it at most its budget (the sum of
 * the work's own limits plus a margin). Past that it fails the request, kills everything the slot
 * runs and puts a fresh slot in its place; the stuck thread, should it ever return, no longer owns
 * a slot.
 */
final class Watchdog {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  /** Beyond the sum of a request's own limits, how long the watchdog waits before failing it. */
  static final Duration WATCHDOG_MARGIN = Duration.ofSeconds(5);

  /** How long killing a timed-out sandbox may take (see {@link SandboxProcess#killTree}). */
  private static final Duration KILL_GRACE = Duration.ofSeconds(3);

  private final SlotKeeper keeper;
  private final AtomicLong kills = new AtomicLong();

  Watchdog(SlotKeeper keeper) {
    this.keeper = keeper;
  }

  /** Does {@code work} in {@code slot} and then gives the slot back clean (or replaces it). */
  <T> T run(Slot slot, Duration budget, SlotWork<T> work) throws InterruptedException, IOException {
    AtomicBoolean settled = new AtomicBoolean();
    CompletableFuture<T> answer = new CompletableFuture<>();
    SandboxThreads.WORK.execute(
        () -> {
          T value = null;
          Throwable failure = null;
          try {
            value = work.apply(slot);
          } catch (Throwable e) {
            failure = e;
          }
          if (settled.compareAndSet(false, true)) {
            keeper.release(slot); // before answering: the answer means the work dir is clean again
          }
          if (failure == null) {
            answer.complete(value);
          } else {
            answer.completeExceptionally(failure);
          }
        });
    try {
      return answer.get(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (settled.compareAndSet(false, true)) {
        kills.incrementAndGet();
        log.error(
            "watchdog: work in slot {} ran past its limits plus {} s; failed, and the slot is replaced",
            slot.index(),
            WATCHDOG_MARGIN.toSeconds());
        SandboxThreads.WORK.execute(() -> keeper.replace(slot));
        throw new IOException("the run in slot " + slot.index() + " passed its watchdog deadline");
      }
      return await(answer); // it finished just as the deadline passed
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  /** Requests failed since start. */
  long kills() {
    return kills.get();
  }

  /**
   * The most a request may take in its slot: every sandbox it may start (one per stdout-problem
   * test, two for a function problem) to its wall limit plus the kill's grace, the compile, and a
   * margin.
   */
  static Duration budget(RunRequest request) {
    LanguageProfile profile = LanguageProfile.of(request.language());
    int sandboxes =
        request.problem() == null
            ? 1
            : request.problem().function() == null
                ? Math.max(1, request.problem().tests().size())
                : 2;
    Duration budget =
        profile
            .limits()
            .wallTimeout()
            .plus(KILL_GRACE)
            .multipliedBy(sandboxes)
            .plus(WATCHDOG_MARGIN);
    return budget.plus(profile.compileWall());
  }

  /**
   * The most a syntax check may take in its slot: the parser's or compiler's limit and a margin.
   */
  static Duration checkBudget(LanguageProfile profile) {
    return profile.checkLimits().wallTimeout().plus(WATCHDOG_MARGIN);
  }

  private static <T> T await(CompletableFuture<T> answer) throws InterruptedException, IOException {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private static IOException unwrap(ExecutionException e) {
    return switch (e.getCause()) {
      case IOException io -> io;
      case RuntimeException runtime -> throw runtime;
      case Error error -> throw error;
      default -> new IOException(e.getCause());
    };
  }
}
