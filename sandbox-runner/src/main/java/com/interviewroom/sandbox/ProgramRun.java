package com.interviewroom.sandbox;

import com.interviewroom.sandbox.RunResult.TestResult;
import com.interviewroom.sandbox.compare.TextComparator;
import com.interviewroom.sandbox.isolation.ProcessOutcome;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The candidate's program run with stdin: a plain program run, or a stdout problem's run per test.
 */
final class ProgramRun {
  /**
   * The exit code reported when only hidden tests ran: theirs is not shown (it could carry a hidden
   * input).
   */
  static final int HIDDEN_EXIT_CODE = -1;

  private ProgramRun() {}

  /** Without a problem: stdin in, and accepted on exit code 0. */
  static RunResult plain(RunContext run, String mainClass) throws IOException {
    ProcessOutcome outcome = execute(run, mainClass, RunContext.bytes(run.request().stdin()));
    Verdict verdict = Verdicts.program(run.profile(), outcome);
    return new RunResult(
        verdict,
        run.visible(outcome.stdout()),
        run.visible(outcome.stderr()),
        outcome.exitCode(),
        outcome.durationMs(),
        null,
        List.of());
  }

  /**
   * Stdout problems: one sandboxed run per test, stdin in, whitespace-normalised stdout compared.
   * Examples run first; hidden tests come last, so nothing they leave in the work dir is read by a
   * run whose output is shown, and their stdout, stderr and exit code are not reported.
   */
  static RunResult stdoutProblem(RunContext run, CodeFiles code, String mainClass)
      throws IOException {
    RunRequest request = run.request();
    Map<String, TestResult> byId = new LinkedHashMap<>();
    Verdict verdict = Verdict.ACCEPTED;
    String stdout = "";
    String stderr = "";
    int exitCode = HIDDEN_EXIT_CODE;
    long total = 0;
    List<RunRequest.TestCase> ordered = new ArrayList<>();
    request.problem().tests().stream().filter(t -> !t.hidden()).forEach(ordered::add);
    request.problem().tests().stream().filter(RunRequest.TestCase::hidden).forEach(ordered::add);
    boolean first = true;
    for (RunRequest.TestCase test : ordered) {
      if (!first && test.hidden()) {
        code.rewrite(run.slot());
      }
      first = false;
      String input =
          test.input() instanceof String s
              ? s
              : test.input() instanceof JsonObject o ? o.getString("stdin", "") : "";
      ProcessOutcome outcome = execute(run, mainClass, RunContext.bytes(input));
      if (!test.hidden()) {
        total += outcome.durationMs(); // a hidden run's time could encode its input: never reported
      }
      String out = new String(outcome.stdout(), StandardCharsets.UTF_8);
      Optional<Verdict> limit = Verdicts.limit(outcome);
      boolean passed =
          limit.isEmpty()
              && outcome.exitCode() == 0
              && test.expected() instanceof String expected
              && TextComparator.matches(expected, out);
      Verdict testVerdict = Verdicts.stdoutTest(run.profile(), outcome, passed);
      if (test.hidden()) {
        byId.put(test.id(), new TestResult(test.id(), true, passed, null, null, null, null, null));
      } else {
        stdout = run.visible(outcome.stdout());
        stderr = run.visible(outcome.stderr());
        exitCode = outcome.exitCode();
        byId.put(
            test.id(),
            new TestResult(
                test.id(),
                false,
                passed,
                (double) outcome.durationMs(),
                test.input(),
                test.expected(),
                stdout,
                stderr.isEmpty() ? null : stderr));
      }
      if (verdict == Verdict.ACCEPTED && testVerdict != Verdict.ACCEPTED) {
        verdict = testVerdict;
      }
    }
    List<TestResult> results =
        request.problem().tests().stream().map(t -> byId.get(t.id())).toList();
    return new RunResult(verdict, stdout, stderr, exitCode, total, null, results);
  }

  private static ProcessOutcome execute(RunContext run, String mainClass, byte[] stdin)
      throws IOException {
    return run.execute(
        run.profile().programCommand(run.runtime(), mainClass),
        run.profile().withBootHeader("program", stdin));
  }
}
