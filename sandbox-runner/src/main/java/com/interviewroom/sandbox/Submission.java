package com.interviewroom.sandbox;

/**
 * The submission after the compile step, ready to be written to the work dir.
 *
 * @param mainClass the class to run for a compiled program; null for a source the runtime runs
 * @param compileMs the compile's time; null when nothing was compiled
 * @param failure the answer when it did not compile (then there are no files)
 */
record Submission(CodeFiles files, String mainClass, Long compileMs, RunResult failure) {

  /** A source the runtime runs as it is. */
  static Submission source(LanguageProfile profile, String code) {
    return new Submission(new CodeFiles(profile, code, null), null, null, null);
  }

  static Submission compiled(CodeFiles classes, String mainClass, long compileMs) {
    return new Submission(classes, mainClass, compileMs, null);
  }

  static Submission failed(long compileMs, RunResult failure) {
    return new Submission(null, null, compileMs, failure);
  }
}
