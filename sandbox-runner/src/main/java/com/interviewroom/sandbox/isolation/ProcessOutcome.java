package com.interviewroom.sandbox.isolation;

/**
 * What happened to one sandboxed process, before any harness interpretation.
 *
 * @param exitCode the exit status (128 + signal when killed by a signal), -1 when we killed it
 * @param timedOut the wall timeout fired and the whole sandbox was killed
 * @param outputExceeded stdout or stderr passed its cap and the whole sandbox was killed
 * @param memoryExceeded the cgroup hit its memory limit and the kernel OOM killer acted
 */
public record ProcessOutcome(
    int exitCode,
    byte[] stdout,
    byte[] stderr,
    long durationMs,
    boolean timedOut,
    boolean outputExceeded,
    boolean memoryExceeded) {}
