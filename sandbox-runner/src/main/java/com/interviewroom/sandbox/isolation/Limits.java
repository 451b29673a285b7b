package com.interviewroom.sandbox.isolation;

import java.time.Duration;

/**
 * The resource ceiling of one sandboxed process. Memory and CPU are enforced by a cgroup;
 * processes, file size and open files by rlimits (nproc is per host uid, which is why each slot has
 * its own uid). There is deliberately no address-space rlimit: the JVM and V8 reserve far more than
 * they use.
 */
public record Limits(
    Duration wallTimeout,
    long memoryBytes,
    int maxProcesses,
    long maxFileBytes,
    int maxOpenFiles,
    int outputCapBytes,
    long tmpBytes,
    double cpus) {

  public static final int OUTPUT_CAP = 64 * 1024;

  public static Limits interpreted() {
    return new Limits(
        Duration.ofSeconds(5), 512L << 20, 64, 16L << 20, 64, OUTPUT_CAP, 16L << 20, 1.0);
  }

  public static Limits jvm() {
    return new Limits(
        Duration.ofSeconds(10), 512L << 20, 128, 16L << 20, 128, OUTPUT_CAP, 16L << 20, 1.0);
  }

  /** The warm compiler: no candidate code runs in it, but a compile-time bomb must still stop. */
  public static Limits compiler() {
    return new Limits(
        Duration.ofSeconds(8), 768L << 20, 64, 16L << 20, 256, OUTPUT_CAP, 16L << 20, 1.0);
  }

  public Limits withWallTimeout(Duration timeout) {
    return new Limits(
        timeout,
        memoryBytes,
        maxProcesses,
        maxFileBytes,
        maxOpenFiles,
        outputCapBytes,
        tmpBytes,
        cpus);
  }
}
