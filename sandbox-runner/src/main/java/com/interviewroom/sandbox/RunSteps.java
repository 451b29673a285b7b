package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.WorkDirs;
import java.io.IOException;

/**
 * A run as named steps: prepare the work dir, compile, write the files, execute the tests (one
 * program, a stdout problem's runs, or a function problem's harness runs), and add the compile's
 * time. The clean-up (the work dir emptied, the slot given back or replaced) follows in {@link
 * SlotKeeper} once the work is done.
 */
final class RunSteps {
  private final RunContext run;
  private final JavaCompiler compiler;

  RunSteps(RunContext run, JavaCompiler compiler) {
    this.run = run;
    this.compiler = compiler;
  }

  RunResult run() throws IOException {
    prepareWorkDir();
    Submission submission = compile();
    if (submission.failure() != null) {
      return submission.failure();
    }
    writeFiles(submission.files());
    return withCompileTime(executeTests(submission), submission.compileMs());
  }

  private void prepareWorkDir() throws IOException {
    WorkDirs.empty(run.slot().workDir());
  }

  private Submission compile() throws IOException {
    return run.profile().compiled()
        ? compiler.compile(run.slot(), run.request())
        : Submission.source(run.profile(), run.request().code());
  }

  private void writeFiles(CodeFiles code) throws IOException {
    code.write(run.slot());
  }

  private RunResult executeTests(Submission submission) throws IOException {
    RunRequest.Problem problem = run.request().problem();
    if (problem == null) {
      return ProgramRun.plain(run, submission.mainClass());
    } else if (problem.function() == null) {
      return ProgramRun.stdoutProblem(run, submission.files(), submission.mainClass());
    } else {
      return FunctionRun.run(run, submission.files());
    }
  }

  /** A compiled language's time includes its compile. */
  private static RunResult withCompileTime(RunResult result, Long compileMs) {
    return compileMs == null
        ? result
        : new RunResult(
            result.verdict(),
            result.stdout(),
            result.stderr(),
            result.exitCode(),
            result.durationMs() + compileMs,
            compileMs,
            result.tests());
  }
}
