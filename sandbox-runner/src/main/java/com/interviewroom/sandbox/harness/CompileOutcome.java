package com.interviewroom.sandbox.harness;

import java.util.List;
import java.util.Map;

/**
 * @param classes binary class name to class file bytes; empty unless {@code ok}
 */
public record CompileOutcome(
    boolean ok, List<Diagnostic> diagnostics, Map<String, byte[]> classes, boolean timedOut) {

  public String errorText() {
    StringBuilder text = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      if ("error".equals(d.severity())) {
        text.append("Solution.java:")
            .append(d.line())
            .append(": error: ")
            .append(d.message())
            .append('\n');
      }
    }
    if (timedOut) {
      return "Compilation timed out.";
    }
    // javac gave up without a diagnostic (it ran out of memory or stack): never an empty message.
    return text.isEmpty() && !ok
        ? "The compiler could not compile this code (it ran out of memory or stack).\n"
        : text.toString();
  }
}
