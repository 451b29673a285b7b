package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The runner's own platform threads. Nothing that can block on a sandbox (a pipe read or write, a
 * process wait, a compile) runs on a virtual thread: a blocking pipe read pins its carrier, and on
 * JDK 21-25 the scheduler's compensating carriers retire after 30 s idle, after which carriers
 * blocked on idle pre-started sandboxes left no carrier to run anything (issue 22's wedge).
 */
public final class SandboxThreads {
  /** Drains and feeds of sandbox pipes. */
  public static final ExecutorService PIPES =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().daemon().name("sandbox-pipe-", 0).factory());

  /** Runs (one per busy slot), pre-starts and compiler warm-ups. */
  public static final ExecutorService WORK =
      Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("sandbox-run-", 0).factory());

  /**
   * Every sandbox is started from this one thread, which lives as long as the runner: the
   * parent-death signal a sandbox gets fires when the thread that started it ends, so starting one
   * from a pooled thread that later retires would kill it.
   */
  private static final ExecutorService SPAWNER =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("sandbox-spawner").factory());

  /**
   * Removes finished runs' cgroups after the answer: their processes are already dead (killed
   * before the answer), and a v1 cgroup's rmdir waits for the kernel to retire it, which is no
   * reason to keep a slot or a candidate waiting.
   */
  private static final ExecutorService REAPER =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("sandbox-cgroup-reaper").factory());

  private SandboxThreads() {}

  static void reap(Runnable removal) {
    REAPER.execute(removal);
  }

  /** Waits until every cgroup handed to the reaper so far is removed (shutdown, tests). */
  public static void awaitReaped() {
    try {
      REAPER.submit(() -> {}).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // a no-op does not fail
    }
  }

  /** Starts a process from the spawner thread. */
  public static Process spawn(ProcessBuilder builder) throws IOException {
    return onSpawner(builder::start);
  }

  static <T> T onSpawner(Callable<T> task) throws IOException {
    Future<T> started = SPAWNER.submit(task);
    try {
      return started.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("could not start a sandbox", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting a sandbox", e);
    }
  }
}
