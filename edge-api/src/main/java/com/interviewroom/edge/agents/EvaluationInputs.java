package com.interviewroom.edge.agents;

import com.interviewroom.common.http.Problems;
import com.interviewroom.session.model.SessionStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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

  public record Snapshot(UUID id, String type, String code, String language, JsonObject executionResult, OffsetDateTime createdAt) {}

  /** Deterministic facts: no model involved. {@code hiddenTotal} 0 means no graded run exists. */
  public record Signals(int runs, int hiddenPassed, int hiddenTotal, Long secondsToFirstPassingRun,
                        int hintsGiven, UUID latestExecutionId, int userTurns) {
    public double hiddenRatio() {
      return hiddenTotal == 0 ? 0 : (double) hiddenPassed / hiddenTotal;
    }

    public JsonObject toJson() {
      return new JsonObject().put("runs", runs).put("hiddenTestsPassed", hiddenPassed)
          .put("hiddenTestsTotal", hiddenTotal).put("secondsToFirstPassingRun", secondsToFirstPassingRun)
          .put("hintsGiven", hintsGiven).put("candidateTurns", userTurns);
    }
  }

  private static final String SESSION = """
      SELECT s.status, s.language, s.started_at, s.created_at, coalesce((s.usage->>'hintsGiven')::int, 0) AS hints, s.problem_id,
             p.slug, p.title, p.difficulty, p.description, p.function_signature, p.compare_mode, p.input_generator
      FROM sessions s JOIN problems p ON p.id = s.problem_id WHERE s.id = $1""";
  private static final String TRANSCRIPT =
      "SELECT item_id, role, text FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at, created_at";
  private static final String SNAPSHOTS = """
      SELECT id, snapshot_type, code, language, execution_result, created_at FROM code_snapshots
      WHERE session_id = $1 ORDER BY created_at, id""";

  public static Future<EvaluationInputs> load(SqlConnection sql, UUID sessionId) {
    Tuple id = Tuple.of(sessionId);
    return sql.preparedQuery(SESSION).execute(id).compose(sessions -> {
      if (sessions.size() == 0) {
        return Future.failedFuture(Problems.notFound("No such session."));
      }
      Row s = sessions.iterator().next();
      if (SessionStatus.of(s.getString("status")).isLive()) {
        // a final evaluation of an interview still running would be stored and the real one skipped
        return Future.failedFuture(Problems.conflict("session_not_ended",
            "The session has not ended yet; it is evaluated once it has."));
      }
      return sql.preparedQuery(TRANSCRIPT).execute(id).compose(turns ->
          sql.preparedQuery(SNAPSHOTS).execute(id).map(snaps -> {
            List<Turn> transcript = new ArrayList<>();
            turns.forEach(r -> transcript.add(new Turn(r.getString("item_id"), r.getString("role"), r.getString("text"))));
            List<Snapshot> snapshots = new ArrayList<>();
            snaps.forEach(r -> snapshots.add(new Snapshot(r.getUUID("id"), r.getString("snapshot_type"), r.getString("code"),
                r.getString("language"), r.getJsonObject("execution_result"), r.getOffsetDateTime("created_at"))));
            JsonObject problem = new JsonObject().put("id", s.getUUID("problem_id").toString()).put("slug", s.getString("slug")).put("title", s.getString("title"))
                .put("difficulty", s.getString("difficulty")).put("description", s.getString("description"))
                .put("function", s.getJsonObject("function_signature")).put("compare", s.getString("compare_mode"))
                .put("inputGenerator", s.getJsonObject("input_generator"));
            OffsetDateTime started = s.getOffsetDateTime("started_at") != null ? s.getOffsetDateTime("started_at") : s.getOffsetDateTime("created_at");
            return new EvaluationInputs(sessionId, s.getString("language"), problem, transcript, snapshots, s.getInteger("hints"), started);
          }));
    });
  }

  /** The code judged: the last {@code final} snapshot, else the last snapshot of any kind; null if none. */
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
   * Whether the candidate's words were recorded: a turn labelled as untranscribed speech
   * ({@link com.interviewroom.common.transcript.SpeechLabel}) is not words.
   */
  public boolean hasConversation() {
    return transcript.stream().anyMatch(EvaluationInputs::candidateWords);
  }

  static boolean candidateWords(Turn t) {
    return "user".equals(t.role()) && t.text() != null && !t.text().isBlank()
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
      boolean allPassed = !tests.isEmpty() && tests.stream().allMatch(t -> t instanceof JsonObject o && o.getBoolean("passed", false));
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
    return new Signals(runs, hiddenPassed, hiddenTotal, firstPass, hintsGiven, latest == null ? null : latest.id(), userTurns);
  }

  /** Test results of one execution snapshot as evidence strings {@code test:<id>:passed|failed}. */
  public List<String> testEvidence(UUID snapshotId) {
    List<String> out = new ArrayList<>();
    for (Snapshot s : snapshots) {
      if (s.id().equals(snapshotId) && s.executionResult() != null) {
        for (Object t : s.executionResult().getJsonArray("tests", new JsonArray())) {
          if (t instanceof JsonObject o && o.getValue("id") != null) {
            out.add("test:" + o.getValue("id") + ":" + (o.getBoolean("passed", false) ? "passed" : "failed"));
          }
        }
      }
    }
    return out;
  }
}
