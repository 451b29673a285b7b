package com.interviewroom.sandbox;

import com.interviewroom.sandbox.RunResult.TestResult;
import com.interviewroom.sandbox.isolation.ProcessOutcome;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Function problems: the examples run in one sandbox whose output the candidate sees, the hidden
 * tests in a second, fresh sandbox whose stdout, stderr and exit code are discarded. Hidden inputs
 * never enter a process whose output is shown, so nothing the code finds in its own memory (the
 * harness's frames, the heap) can be printed back to the candidate.
 */
final class FunctionRun {
  private FunctionRun() {}

  static RunResult run(RunContext run, CodeFiles code) throws IOException {
    RunRequest.Problem problem = run.request().problem();
    List<RunRequest.TestCase> examples = problem.tests().stream().filter(t -> !t.hidden()).toList();
    List<RunRequest.TestCase> hidden =
        problem.tests().stream().filter(RunRequest.TestCase::hidden).toList();
    HarnessRun exampleRun = examples.isEmpty() ? null : HarnessRun.over(run, examples);
    Map<String, TestResult> byId = new LinkedHashMap<>();
    Verdict verdict = exampleRun == null ? Verdict.ACCEPTED : exampleRun.verdict();
    HarnessRun hiddenRun = null;
    if (exampleRun != null) {
      exampleRun.results().forEach(r -> byId.put(r.id(), r));
    }
    if (verdict == Verdict.TIME_LIMIT_EXCEEDED || verdict == Verdict.COMPILATION_ERROR) {
      // A second full timeout would only double the wait: the hidden tests count as not passed.
      hidden.forEach(
          t -> byId.put(t.id(), new TestResult(t.id(), true, false, null, null, null, null, null)));
    } else if (!hidden.isEmpty()) {
      if (exampleRun != null) {
        code.rewrite(
            run.slot()); // the example run may have changed the work dir: the hidden run starts
        // from the submission
      }
      hiddenRun = HarnessRun.over(run, hidden);
      hiddenRun.results().forEach(r -> byId.put(r.id(), r));
      verdict = Verdict.worse(verdict, hiddenRun.verdict());
    }
    // Only the example run's time: the hidden run's could encode its inputs (sleep n ms), so it is
    // never reported.
    long durationMs = exampleRun == null ? 0 : exampleRun.outcome().durationMs();
    List<TestResult> inRequestOrder = problem.tests().stream().map(t -> byId.get(t.id())).toList();
    if (exampleRun == null) {
      return new RunResult(
          verdict, "", "", ProgramRun.HIDDEN_EXIT_CODE, durationMs, null, inRequestOrder);
    }
    ProcessOutcome shown = exampleRun.outcome();
    return new RunResult(
        verdict,
        run.visible(shown.stdout()),
        run.visible(shown.stderr()),
        shown.exitCode(),
        durationMs,
        null,
        inRequestOrder);
  }
}
