package com.interviewroom.sandbox;

import java.util.List;

/**
 * @param compileMs null unless the language compiles
 */
public record RunResult(
    Verdict verdict,
    String stdout,
    String stderr,
    int exitCode,
    long durationMs,
    Long compileMs,
    List<TestResult> tests) {

  /**
   * Hidden tests carry only id, hidden and passed; the other fields are null. Their time is never
   * reported: measured in the candidate's process, or even outside it, it could encode their
   * inputs.
   */
  public record TestResult(
      String id,
      boolean hidden,
      boolean passed,
      Double durationMs,
      Object input,
      Object expected,
      Object actual,
      String error) {}

  public static RunResult failed(Verdict verdict, String stderr, long durationMs, Long compileMs) {
    return new RunResult(verdict, "", stderr, -1, durationMs, compileMs, List.of());
  }
}
