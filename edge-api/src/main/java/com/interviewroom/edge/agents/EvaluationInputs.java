package com.interviewroom.edge.agents;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Everything the evaluator reads about one session, loaded in one service transaction, plus the
 * deterministic signals computed from it (the same numbers go into the prompt and the report).
 */
public record EvaluationInputs(
    UUID sessionId,
    String language,
    JsonObject problem,
    List<Turn> transcript,
    List<Snapshot> snapshots,
    int hintsGiven,
    OffsetDateTime startedAt) {

  public record Turn(String itemId, String role, String text) {}

  public record Snapshot(
      UUID id,
      String type,
      String code,
      String language,
      JsonObject executionResult,
      OffsetDateTime createdAt) {}

  /** Deterministic facts: no model involved. {@code hiddenTotal} 0 means no graded run exists. */
  public record Signals(
      int runs,
      int hiddenPassed,
      int hiddenTotal,
      Long secondsToFirstPassingRun,
      int hintsGiven,
      UUID latestExecutionId,
      int userTurns) {
    public double hiddenRatio() {
      return hiddenTotal == 0 ? 0 : (double) hiddenPassed / hiddenTotal;
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("runs", runs)
          .put("hiddenTestsPassed", hiddenPassed)
          .put("hiddenTestsTotal", hiddenTotal)
          .put("secondsToFirstPassingRun", secondsToFirstPassingRun)
          .put("hintsGiven", hintsGiven)
          .put("candidateTurns", userTurns);
    }
  }

  /** Everything the evaluator reads about an ended session (404 missing, 409 still live). */
  public static Future<EvaluationInputs> load(SqlConnection sql, UUID sessionId) {
    return EvaluationInputsRepository.load(sql, sessionId);
  }

  /**
   * The code judged: the last {@code final} snapshot, else the last snapshot of any kind; null if
   * none.
   */
  public Snapshot finalCode() {
    Snapshot lastFinal = null;
    Snapshot last = null;
    for (Snapshot s : snapshots) {
      if (s.code().isBlank()) {
        continue;
      }
      last = s;
      if ("final".equals(s.type())) {
        lastFinal = s;
      }
    }
    return lastFinal != null ? lastFinal : last;
  }

  /**
   * Whether the candidate's words were recorded: a turn labelled as untranscribed speech ({@link
   * com.interviewroom.common.transcript.SpeechLabel}) is not words.
   */
  public boolean hasConversation() {
    return transcript.stream().anyMatch(EvaluationInputs::candidateWords);
  }

  static boolean candidateWords(Turn t) {
    return "user".equals(t.role())
        && t.text() != null
        && !t.text().isBlank()
        && !com.interviewroom.common.transcript.SpeechLabel.isLabel(t.text());
  }

  public Signals signals() {
    int runs = 0;
    Snapshot latest = null;
    Long firstPass = null;
    for (Snapshot s : snapshots) {
      if (!"execution".equals(s.type()) || s.executionResult() == null) {
        continue;
      }
      runs++;
      latest = s;
      JsonArray tests = s.executionResult().getJsonArray("tests", new JsonArray());
      boolean allPassed =
          !tests.isEmpty()
              && tests.stream()
                  .allMatch(t -> t instanceof JsonObject o && o.getBoolean("passed", false));
      if (allPassed && firstPass == null && startedAt != null) {
        firstPass = Math.max(0, Duration.between(startedAt, s.createdAt()).toSeconds());
      }
    }
    int hiddenPassed = 0;
    int hiddenTotal = 0;
    if (latest != null) {
      for (Object t : latest.executionResult().getJsonArray("tests", new JsonArray())) {
        if (t instanceof JsonObject o && o.getBoolean("hidden", false)) {
          hiddenTotal++;
          hiddenPassed += o.getBoolean("passed", false) ? 1 : 0;
        }
      }
    }
    int userTurns = (int) transcript.stream().filter(EvaluationInputs::candidateWords).count();
    return new Signals(
        runs,
        hiddenPassed,
        hiddenTotal,
        firstPass,
        hintsGiven,
        latest == null ? null : latest.id(),
        userTurns);
  }

  /** Test results of one execution snapshot as evidence strings {@code test:<id>:passed|failed}. */
  public List<String> testEvidence(UUID snapshotId) {
    List<String> out = new ArrayList<>();
    for (Snapshot s : snapshots) {
      if (s.id().equals(snapshotId) && s.executionResult() != null) {
        for (Object t : s.executionResult().getJsonArray("tests", new JsonArray())) {
          if (t instanceof JsonObject o && o.getValue("id") != null) {
            out.add(
                "test:"
                    + o.getValue("id")
                    + ":"
                    + (o.getBoolean("passed", false) ? "passed" : "failed"));
          }
        }
      }
    }
    return out;
  }
}
