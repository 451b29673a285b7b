package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.ProcessOutcome;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * From what happened to a sandboxed process (exit status, the limits that fired, its output) and
 * what the comparison found, to a verdict. Order: time limit, output limit, memory limit, then a
 * compile error the language reports at run time, then runtime error, then accepted or wrong
 * answer.
 */
final class Verdicts {
  private Verdicts() {}

  /** A plain program: accepted when it exits 0. */
  static Verdict program(LanguageProfile profile, ProcessOutcome outcome) {
    return limit(outcome)
        .or(() -> compile(profile, outcome))
        .or(() -> heap(outcome))
        .orElse(outcome.exitCode() == 0 ? Verdict.ACCEPTED : Verdict.RUNTIME_ERROR);
  }

  /** One test of a stdout problem; {@code passed} is the comparison of its output. */
  static Verdict stdoutTest(LanguageProfile profile, ProcessOutcome outcome, boolean passed) {
    return limit(outcome)
        .or(() -> compile(profile, outcome))
        .or(() -> heap(outcome))
        .orElse(
            outcome.exitCode() != 0
                ? Verdict.RUNTIME_ERROR
                : passed ? Verdict.ACCEPTED : Verdict.WRONG_ANSWER);
  }

  /**
   * One harness process over a function problem's tests.
   *
   * @param intact the result channel held (every frame, the nonce, the count)
   * @param anyError a test raised
   * @param anyMemoryError a test raised the runtime's own memory error
   * @param allPassed every test's result matched
   */
  static Verdict harness(
      LanguageProfile profile,
      ProcessOutcome outcome,
      boolean intact,
      boolean anyError,
      boolean anyMemoryError,
      boolean allPassed) {
    String stderrText = new String(outcome.stderr(), StandardCharsets.UTF_8);
    return limit(outcome)
        .or(() -> compile(profile, outcome))
        .orElse(
            anyMemoryError || stderrText.contains("heap out of memory")
                ? Verdict.MEMORY_LIMIT_EXCEEDED
                : !intact || anyError || outcome.exitCode() != 0
                    ? Verdict.RUNTIME_ERROR
                    : allPassed ? Verdict.ACCEPTED : Verdict.WRONG_ANSWER);
  }

  /**
   * A limit the sandbox enforced: the wall clock, the output cap, the cgroup's memory (when it
   * killed something).
   */
  static Optional<Verdict> limit(ProcessOutcome outcome) {
    if (outcome.timedOut()) {
      return Optional.of(Verdict.TIME_LIMIT_EXCEEDED);
    }
    if (outcome.outputExceeded()) {
      return Optional.of(Verdict.OUTPUT_LIMIT_EXCEEDED);
    }
    if (outcome.memoryExceeded() && outcome.exitCode() != 0) {
      return Optional.of(Verdict.MEMORY_LIMIT_EXCEEDED);
    }
    return Optional.empty();
  }

  /**
   * Code that does not parse, reported by the process itself (Python's syntax-error exit), is a
   * compile error.
   */
  private static Optional<Verdict> compile(LanguageProfile profile, ProcessOutcome outcome) {
    return profile.syntaxErrorExit().isPresent()
            && outcome.exitCode() == profile.syntaxErrorExit().getAsInt()
            && !outcome.timedOut()
        ? Optional.of(Verdict.COMPILATION_ERROR)
        : Optional.empty();
  }

  /**
   * A program that died of its runtime's own heap limit (Java's -Xmx, V8's old space, Python's
   * MemoryError) is over the memory limit, as a cgroup OOM kill is, not a runtime error.
   */
  private static Optional<Verdict> heap(ProcessOutcome outcome) {
    if (outcome.exitCode() == 0) {
      return Optional.empty();
    }
    String stderr = new String(outcome.stderr(), StandardCharsets.UTF_8);
    boolean heap =
        stderr.contains("java.lang.OutOfMemoryError: Java heap space")
            || stderr.contains("heap out of memory")
            || stderr.stripTrailing().endsWith("MemoryError");
    return heap ? Optional.of(Verdict.MEMORY_LIMIT_EXCEEDED) : Optional.empty();
  }
}
