package com.interviewroom.edge.notes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What the live interviewer is told about the candidate's work, as a real interviewer would see it:
 * the current code (bounded) and, after a run, which example tests failed with their input,
 * expected and actual values. Hidden tests appear only as counts, never their inputs. The texts are
 * context for the model, not lines to read aloud.
 */
public final class InterviewerNotes {
  /** About 1,500 tokens: enough for any interview-sized solution, bounded for a runaway paste. */
  public static final int MAX_CODE_CHARS = 6_000;

  static final int MAX_FAILURES = 3;
  static final int MAX_VALUE_CHARS = 200;

  private InterviewerNotes() {}

  /**
   * The candidate's code as the interviewer's screen shows it; the middle is cut when it is too
   * long.
   */
  public static String code(String language, String code) {
    String body = code == null ? "" : code.strip();
    if (body.length() > MAX_CODE_CHARS) {
      int half = MAX_CODE_CHARS / 2;
      body =
          body.substring(0, half)
              + "\n… ["
              + (body.length() - MAX_CODE_CHARS)
              + " characters not shown] …\n"
              + body.substring(body.length() - half);
    }
    long lines = body.isEmpty() ? 0 : body.lines().count();
    return "The candidate's current code ("
        + language
        + ", "
        + lines
        + " lines), for reference only: do not read it aloud.\n"
        + "```"
        + language
        + "\n"
        + body
        + "\n```";
  }

  /** Whitespace-insensitive form of the code: a change in it is a meaningful change. */
  public static String normalized(String code) {
    return code == null ? "" : code.replaceAll("\\s+", " ").strip();
  }

  /**
   * After a run or submit ({@code result} as the candidate sees it: hidden tests without inputs):
   * the counts, then each failing example test (at most {@link #MAX_FAILURES}) with input, expected
   * and actual output or its error, so the interviewer can say "test 3 returns [1,0] instead of
   * [0,1]".
   */
  public static String execution(String mode, JsonObject result) {
    JsonArray tests = result.getJsonArray("tests", new JsonArray());
    int examples = 0;
    int examplesPassed = 0;
    int hidden = 0;
    int hiddenPassed = 0;
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < tests.size(); i++) {
      if (!(tests.getValue(i) instanceof JsonObject t)) {
        continue;
      }
      boolean passed = t.getBoolean("passed", false);
      if (t.getBoolean("hidden", false)) {
        hidden++;
        hiddenPassed += passed ? 1 : 0;
        continue;
      }
      examples++;
      examplesPassed += passed ? 1 : 0;
      if (!passed && failures.size() < MAX_FAILURES) {
        String outcome =
            t.getValue("error") != null
                ? "raised " + value(t.getValue("error"))
                : "returned "
                    + value(t.getValue("actual"))
                    + " instead of "
                    + value(t.getValue("expected"));
        failures.add(
            "example test "
                + (i + 1)
                + " with input "
                + value(t.getValue("input"))
                + " "
                + outcome);
      }
    }
    StringBuilder text =
        new StringBuilder("The candidate ")
            .append("submit".equals(mode) ? "submitted" : "ran")
            .append(" their code (verdict: ")
            .append(result.getString("verdict", "unknown").replace('_', ' '))
            .append("). ");
    if (examples > 0) {
      text.append(examplesPassed).append(" of ").append(examples).append(" example tests passed");
    }
    if (hidden > 0) {
      text.append(examples > 0 ? "; " : "")
          .append(hiddenPassed)
          .append(" of ")
          .append(hidden)
          .append(" hidden tests passed (their inputs are not shown to anyone)");
    }
    if (examples + hidden == 0) {
      text.append("No test ran");
      String stderr = result.getString("stderr", "");
      if (!stderr.isBlank()) {
        text.append("; the error output ends with: ").append(value(lastLine(stderr)));
      }
    }
    text.append('.');
    if (!failures.isEmpty()) {
      text.append(" Failing: ").append(String.join("; ", failures)).append('.');
    }
    return text.toString();
  }

  private static String lastLine(String s) {
    String[] lines = s.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static String value(Object v) {
    String s =
        v == null ? "null" : v instanceof String str ? str : io.vertx.core.json.Json.encode(v);
    s = s.replaceAll("\\s+", " ");
    return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS) + "…";
  }
}
