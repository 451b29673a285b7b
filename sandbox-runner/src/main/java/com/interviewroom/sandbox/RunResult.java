package com.interviewroom.sandbox;

import java.util.List;

/** @param compileMs null unless the language compiles */
public record RunResult(Verdict verdict, String stdout, String stderr, int exitCode, long durationMs, Long compileMs,
                        List<TestResult> tests) {

  /** Hidden tests carry only id, hidden, passed and durationMs; the other fields are null. */
  public record TestResult(String id, boolean hidden, boolean passed, double durationMs, Object input, Object expected,
                           Object actual, String error) {}

  public static RunResult failed(Verdict verdict, String stderr, long durationMs, Long compileMs) {
    return new RunResult(verdict, "", stderr, -1, durationMs, compileMs, List.of());
  }
}
