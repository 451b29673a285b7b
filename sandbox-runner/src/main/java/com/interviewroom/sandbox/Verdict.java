package com.interviewroom.sandbox;

import java.util.Locale;

public enum Verdict {
  ACCEPTED, WRONG_ANSWER, TIME_LIMIT_EXCEEDED, MEMORY_LIMIT_EXCEEDED, OUTPUT_LIMIT_EXCEEDED,
  RUNTIME_ERROR, COMPILATION_ERROR, INTERNAL_ERROR;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
