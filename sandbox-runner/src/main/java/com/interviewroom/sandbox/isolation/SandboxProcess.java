package com.interviewroom.sandbox.isolation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one sandboxed process to completion on the calling (worker) thread: feeds stdin, drains
 * stdout and stderr concurrently with a cap each, enforces the wall timeout, and always kills the
 * whole process tree and removes the cgroup before returning.
 */
public final class SandboxProcess {
  private static final ExecutorService DRAINS = SandboxThreads.PIPES;

  private SandboxProcess() {}

  /**
   * @param cgroup the run's fresh cgroup, already in {@code argv}'s launcher, or null when
   *     unavailable
   */
  public static ProcessOutcome run(List<String> argv, byte[] stdin, Limits limits, RunCgroup cgroup)
      throws IOException {
    return start(argv, limits, cgroup).finish(stdin);
  }

  /**
   * Starts the sandbox and its output drains, but gives it no input yet: a program that waits on
   * stdin can be started ahead of the request and its clock starts in {@link Started#finish}.
   */
  public static Started start(List<String> argv, Limits limits, RunCgroup cgroup)
      throws IOException {
    Process process;
    try {
      process = SandboxThreads.spawn(SandboxProcess.builder(argv));
    } catch (IOException e) {
      if (cgroup != null) {
        cgroup.destroy();
      }
      throw e;
    }
    return new Started(process, limits, cgroup);
  }

  /**
   * Started from an empty environment: bwrap's init inside the sandbox is readable there ({@code
   * /proc/1/environ}), so it must never carry the runner's variables (its secrets).
   */
  public static ProcessBuilder builder(List<String> argv) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().clear();
    return builder;
  }

  /** A running sandbox waiting for its input; finish or close it exactly once. */
  public static final class Started implements AutoCloseable {
    private final Process process;
    private final Limits limits;
    private final RunCgroup cgroup;
    private final AtomicBoolean outputExceeded = new AtomicBoolean();
    private final Runnable killer;
    private final Future<byte[]> stdout;
    private final Future<byte[]> stderr;

    private Started(Process process, Limits limits, RunCgroup cgroup) {
      this.process = process;
      this.limits = limits;
      this.cgroup = cgroup;
      this.killer = () -> killTree(process, cgroup);
      this.stdout =
          DRAINS.submit(
              () ->
                  drain(process.getInputStream(), limits.outputCapBytes(), outputExceeded, killer));
      this.stderr =
          DRAINS.submit(
              () ->
                  drain(process.getErrorStream(), limits.outputCapBytes(), outputExceeded, killer));
    }

    public boolean alive() {
      return process.isAlive();
    }

    /**
     * Sets the sandbox's CPU weight ({@link RunCgroup#cpuWeight}); false when it could not be set.
     */
    public boolean cpuWeight(int shares) {
      if (cgroup == null) {
        return true;
      }
      try {
        cgroup.cpuWeight(shares);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    public java.util.Set<Long> processIds() {
      java.util.Set<Long> pids = new java.util.HashSet<>();
      pids.add(process.pid());
      process.descendants().forEach(p -> pids.add(p.pid()));
      return pids;
    }

    /** Feeds stdin, enforces the wall timeout from now, and always cleans up before returning. */
    public ProcessOutcome finish(byte[] stdin) throws IOException {
      long started = System.nanoTime();
      DRAINS.submit(() -> feed(process.getOutputStream(), stdin));
      boolean timedOut = false;
      try {
        if (!process.waitFor(limits.wallTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          timedOut = true;
          killer.run();
          process.waitFor();
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        // Anything the main process left behind (a setsid daemon, a fork bomb's children) dies
        // here.
        killer.run();
        byte[] out = await(stdout);
        byte[] err = await(stderr);
        boolean memoryExceeded = cgroup != null && cgroup.memoryExceeded();
        return new ProcessOutcome(
            process.exitValue(),
            out,
            err,
            durationMs,
            timedOut,
            outputExceeded.get(),
            memoryExceeded);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        killer.run();
        throw new IOException("interrupted while running a sandbox", e);
      } finally {
        if (cgroup != null) {
          cgroup.destroyLater();
        }
      }
    }

    @Override
    public void close() {
      killer.run();
      if (cgroup != null) {
        cgroup.destroyLater();
      }
    }
  }

  /**
   * Kills everything below our direct child first, then lets the child (unshare, whose pid
   * namespace the kernel has now torn down and reaped) exit by itself; only a child that will not
   * exit is killed.
   */
  public static void killTree(Process process, RunCgroup cgroup) {
    if (cgroup != null) {
      cgroup.killAllExcept(process.pid());
    } else {
      // Without a cgroup, walk the tree (a scan of every process on the host, so only as a
      // fallback).
      process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static byte[] drain(InputStream in, int cap, AtomicBoolean exceeded, Runnable killer)
      throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (in) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        int room = cap - kept.size();
        kept.write(buffer, 0, Math.min(room, read));
        if (read > room) {
          exceeded.set(true);
          killer.run();
          break;
        }
      }
    }
    return kept.toByteArray();
  }

  private static Void feed(OutputStream out, byte[] data) {
    try (out) {
      out.write(data);
    } catch (IOException closedEarly) {
      // The program exited or closed stdin without reading all of it: not an error for the runner.
    }
    return null;
  }

  private static byte[] await(Future<byte[]> drained) {
    try {
      return drained.get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      drained.cancel(true);
      return new byte[0];
    }
  }
}
