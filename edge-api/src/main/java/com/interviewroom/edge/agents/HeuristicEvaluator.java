package com.interviewroom.edge.agents;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluator without a model: scores from the deterministic signals only (hidden tests, runs,
 * time to first pass, hints, how much the candidate talked). It says that it is heuristic; the
 * formulas are in docs/evaluation.md.
 */
final class HeuristicEvaluator {
  static final String MODEL = "heuristic";

  private HeuristicEvaluator() {}

  static Judgement judge(EvaluationInputs in, JsonObject growth) {
    EvaluationInputs.Signals sig = in.signals();
    EvaluationInputs.Snapshot finalCode = in.finalCode();
    boolean graded = sig.hiddenTotal() > 0;
    double ratio = sig.hiddenRatio();
    boolean allPassed = graded && sig.hiddenPassed() == sig.hiddenTotal();

    Map<String, Integer> scores = new LinkedHashMap<>();
    Map<String, String> why = new LinkedHashMap<>();
    Map<String, JsonObject> evidence = new LinkedHashMap<>();

    List<String> testRefs =
        sig.latestExecutionId() == null ? List.of() : in.testEvidence(sig.latestExecutionId());
    List<String> runRefs = new ArrayList<>(testRefs);
    if (sig.latestExecutionId() != null) {
      runRefs.add("snapshot:" + sig.latestExecutionId());
    }
    List<String> codeRefs = finalCode == null ? List.of() : List.of("snapshot:" + finalCode.id());
    List<String> talkRefs =
        in.transcript().stream()
            .filter(t -> "user".equals(t.role()) && !t.text().isBlank())
            .limit(5)
            .map(t -> "transcript:" + t.itemId())
            .toList();

    long solving = graded ? 1 + Math.round(9 * ratio) : finalCode == null ? 1 : 3;
    scores.put("problem_solving", Rubric.clamp(solving - Math.min(3, sig.hintsGiven())));
    why.put(
        "problem_solving",
        graded
            ? sig.hiddenPassed()
                + " of "
                + sig.hiddenTotal()
                + " hidden tests passed on the last run, "
                + sig.hintsGiven()
                + " hint(s) given."
            : finalCode == null
                ? "No code was written."
                : "Code was written but never run against the hidden tests.");
    evidence.put("problem_solving", Judgement.evidence(runRefs));

    long quality = finalCode == null ? 1 : 3 + Math.round(4 * ratio) + (sig.runs() > 0 ? 1 : 0);
    scores.put("code_quality", Rubric.clamp(quality));
    why.put(
        "code_quality",
        finalCode == null
            ? "No final code to judge."
            : "Judged from test outcomes only; style is not assessed heuristically.");
    evidence.put("code_quality", Judgement.evidence(codeRefs));

    if (in.hasConversation()) {
      scores.put("communication", Rubric.clamp(2 + Math.min(8, sig.userTurns())));
      why.put("communication", sig.userTurns() + " candidate turn(s) in the conversation.");
    } else {
      why.put(
          "communication",
          Evaluator.NOT_ASSESSED_COMMUNICATION); // no words: no evidence, so no score
    }
    evidence.put("communication", Judgement.evidence(talkRefs));

    boolean measured = growth.getBoolean("measured", false);
    long efficiency;
    if (measured && growth.getValue("exponent") instanceof Number k) {
      efficiency = k.doubleValue() < 1.4 ? 8 : k.doubleValue() < 2.4 ? 4 : 2;
      why.put(
          "efficiency",
          "Measured growth on generated inputs: " + growth.getString("label") + " (n^" + k + ").");
    } else if (measured) {
      efficiency = 2;
      why.put("efficiency", "Measured on generated inputs: " + growth.getString("label") + ".");
    } else {
      efficiency = allPassed ? 6 : graded ? 1 + Math.round(4 * ratio) : 1;
      why.put(
          "efficiency",
          allPassed
              ? "Every hidden test passed within the sandbox limits; growth was not measured."
              : "Not every hidden test passed, so efficiency could not be confirmed.");
    }
    scores.put("efficiency", Rubric.clamp(efficiency));
    evidence.put("efficiency", Judgement.evidence(runRefs));

    long testing =
        sig.runs() == 0
            ? 1
            : 3 + Math.min(4, sig.runs()) + (sig.secondsToFirstPassingRun() != null ? 1 : 0);
    scores.put("testing", Rubric.clamp(testing));
    why.put(
        "testing",
        sig.runs()
            + " run(s)"
            + (sig.secondsToFirstPassingRun() == null
                ? ", none fully passing."
                : ", first fully passing run after " + sig.secondsToFirstPassingRun() + " s."));
    List<String> allRuns =
        in.snapshots().stream()
            .filter(s -> "execution".equals(s.type()))
            .map(s -> "snapshot:" + s.id())
            .toList();
    evidence.put("testing", Judgement.evidence(allRuns));

    List<String> strengths = new ArrayList<>();
    List<String> improvements = new ArrayList<>();
    if (allPassed) {
      strengths.add("The final solution passed every hidden test.");
    } else if (graded) {
      improvements.add(
          "Make the solution pass every hidden test ("
              + sig.hiddenPassed()
              + "/"
              + sig.hiddenTotal()
              + ").");
    } else {
      improvements.add("Run the code against the tests before finishing.");
    }
    if (sig.userTurns() >= 3) {
      strengths.add("Talked through the work with the interviewer.");
    } else if (in.hasConversation()) {
      improvements.add("Explain your thinking out loud while you work.");
    }
    if (sig.hintsGiven() == 0 && graded) {
      strengths.add("Needed no hints.");
    }
    String summary =
        "Heuristic evaluation from deterministic signals only (no language model was used).";
    return new Judgement(scores, why, evidence, strengths, improvements, summary, MODEL);
  }
}
