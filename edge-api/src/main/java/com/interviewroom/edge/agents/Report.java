package com.interviewroom.edge.agents;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The Markdown report: built from our own template, with every model or candidate string sanitized.
 */
final class Report {
  private Report() {}

  static String markdown(
      EvaluationInputs in,
      Judgement j,
      double overall,
      String recommendation,
      JsonObject growth,
      JsonObject graded) {
    EvaluationInputs.Signals s = in.signals();
    StringBuilder md = new StringBuilder("# Interview evaluation\n\n");
    md.append(
        HeuristicEvaluator.MODEL.equals(j.model())
            ? "_Heuristic evaluation: computed from test results and session activity, no language model was used._\n\n"
            : "_Evaluated by " + j.model() + ", rubric " + Rubric.VERSION + "._\n\n");
    md.append("**Recommendation:** ")
        .append(recommendation)
        .append(" · **Overall:** ")
        .append(overall)
        .append(" / 10\n\n");
    md.append("## Signals\n\n");
    md.append("- Hidden tests passed: ")
        .append(s.hiddenTotal() == 0 ? "no graded run" : s.hiddenPassed() + "/" + s.hiddenTotal())
        .append('\n');
    md.append("- Runs: ").append(s.runs()).append('\n');
    md.append("- Time to first passing run: ")
        .append(
            s.secondsToFirstPassingRun() == null ? "never" : s.secondsToFirstPassingRun() + " s")
        .append('\n');
    md.append("- Hints given: ").append(s.hintsGiven()).append('\n');
    md.append("- Measured growth on generated inputs: ").append(growthLine(growth)).append('\n');
    md.append("- Graded code: ")
        .append(
            switch (graded.getString("source", "none")) {
              case "final_code_run" ->
                  "the final code, run against every test (hidden ones included) when the session ended";
              case "submitted" -> "the final code, as the candidate last submitted it";
              case "not_run" ->
                  "the latest run (the final code could not be run when the session ended)";
              default -> "none (no code was written)";
            })
        .append('\n');
    md.append("- Mode: ")
        .append(
            switch (Evaluator.mode(in)) {
              case "code_only" -> "code only (no conversation was recorded)";
              case "conversation_only" -> "conversation only (no final code)";
              case "empty" -> "no conversation and no code";
              default -> "conversation and code";
            })
        .append("\n\n## Scores\n\n| Dimension | Score | Why |\n| --- | --- | --- |\n");
    for (String d : Rubric.DIMENSIONS) {
      md.append("| ")
          .append(d.replace('_', ' '))
          .append(" | ")
          .append(j.scores().get(d) == null ? "not assessed" : j.scores().get(d))
          .append(" | ")
          .append(cell(j.rationale().get(d)))
          .append(" |\n");
    }
    list(md, "Strengths", j.strengths());
    list(md, "Improvements", j.improvements());
    md.append("\n## Summary\n\n").append(Rubric.sanitize(j.summary())).append('\n');
    return md.toString();
  }

  private static String growthLine(JsonObject growth) {
    if (!growth.getBoolean("measured", false)) {
      return "not measured (" + growth.getString("reason", "unknown") + ")";
    }
    StringBuilder line = new StringBuilder(growth.getString("label", ""));
    if (growth.getValue("exponent") != null) {
      line.append(", time ≈ n^").append(growth.getValue("exponent"));
    }
    line.append(" (");
    List<String> points = new java.util.ArrayList<>();
    growth
        .getJsonArray("points")
        .forEach(
            p -> {
              JsonObject point = (JsonObject) p;
              points.add(
                  "n="
                      + point.getInteger("n")
                      + ": "
                      + (point.containsKey("durationMs")
                          ? String.format(
                              java.util.Locale.ROOT, "%.1f ms", point.getDouble("durationMs"))
                          : "did not finish"));
            });
    line.append(String.join(", ", points)).append(')');
    if (growth.getJsonArray("declaredSizes") != null) {
      line.append("; sizes scaled from declared sizes ")
          .append(
              String.join(
                  ", ",
                  growth.getJsonArray("declaredSizes").stream().map(String::valueOf).toList()))
          .append(" to fit the runner's request limit");
    }
    return line.toString();
  }

  private static void list(StringBuilder md, String title, List<String> items) {
    md.append("\n## ").append(title).append("\n\n");
    if (items.isEmpty()) {
      md.append("- none noted\n");
    }
    items.forEach(i -> md.append("- ").append(Rubric.sanitize(i).replace('\n', ' ')).append('\n'));
  }

  private static String cell(String text) {
    return Rubric.sanitize(text).replace("|", "\\|").replace('\n', ' ');
  }
}
