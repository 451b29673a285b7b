package com.interviewroom.sandbox;

import java.util.List;

public record CheckResult(boolean ok, List<Diagnostic> diagnostics) {
  /** 1-based line and column, as editors show them. */
  public record Diagnostic(int line, int column, String message, String severity) {}
}
