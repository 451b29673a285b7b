package com.interviewroom.sandbox;

import java.util.Locale;

public enum Verdict {
  ACCEPTED,
  WRONG_ANSWER,
  TIME_LIMIT_EXCEEDED,
  MEMORY_LIMIT_EXCEEDED,
  OUTPUT_LIMIT_EXCEEDED,
  RUNTIME_ERROR,
  COMPILATION_ERROR,
  INTERNAL_ERROR;

  /**
   * The verdict of a submission made of two runs (examples, hidden tests): a limit beats an error,
   * an error beats a wrong answer, anything beats accepted, as if both had been one run.
   */
  public static Verdict worse(Verdict a, Verdict b) {
    return severity(a) >= severity(b) ? a : b;
  }

  private static int severity(Verdict v) {
    return switch (v) {
      case ACCEPTED -> 0;
      case WRONG_ANSWER -> 1;
      case RUNTIME_ERROR -> 2;
      case OUTPUT_LIMIT_EXCEEDED, MEMORY_LIMIT_EXCEEDED, TIME_LIMIT_EXCEEDED -> 3;
      case COMPILATION_ERROR, INTERNAL_ERROR -> 4;
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
