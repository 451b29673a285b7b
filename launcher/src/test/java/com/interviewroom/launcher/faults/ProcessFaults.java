package com.interviewroom.launcher.faults;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Crash and pause faults on a process this test owns (an embedded child), never a shared server.
 */
public final class ProcessFaults {
  private ProcessFaults() {}

  /** {@code kill -9} of the process and every descendant, as a crash of the machine would. */
  public static void killTree(long pid) {
    ProcessHandle root =
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
    List<ProcessHandle> children = root.descendants().toList();
    root.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    waitGone(root);
    children.forEach(ProcessFaults::waitGone);
  }

  /** SIGSTOP (true) or SIGCONT (false) to the process and its descendants. */
  public static void pauseTree(long pid, boolean pause) throws Exception {
    ProcessHandle root =
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
    signal(root.pid(), pause ? "-STOP" : "-CONT");
    for (ProcessHandle child : root.descendants().toList()) {
      signal(child.pid(), pause ? "-STOP" : "-CONT");
    }
  }

  private static void signal(long pid, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " " + pid + " failed");
    }
  }

  private static void waitGone(ProcessHandle process) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (process.isAlive() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
