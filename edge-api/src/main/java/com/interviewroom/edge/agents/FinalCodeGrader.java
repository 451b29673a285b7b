package com.interviewroom.edge.agents;

import com.interviewroom.edge.execution.ExecutionRepository;
import com.interviewroom.edge.execution.ExecutionService;
import com.interviewroom.edge.sandbox.SandboxClient;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The final code is what gets graded. Before an evaluation, when no run with the hidden tests
 * exists for the session's final code (the candidate edited after their last submit, or never
 * submitted), the final code runs once against every test in the sandbox ({@code submit}) and the
 * result is stored as an {@code execution} snapshot, as a submit would be: the evaluation then
 * reads it as the latest run. A retried evaluation finds that snapshot and runs nothing
 * (idempotent). A runner that fails leaves the evaluation to grade what exists, and the evaluation
 * says so.
 */
final class FinalCodeGrader {
  private static final Logger log = LoggerFactory.getLogger(FinalCodeGrader.class);

  /** One submit run of interview-sized code; the evaluation's worst case includes it. */
  static final long RUN_TIMEOUT_MS = 20_000;

  /**
   * Marks the run made here, so a retried evaluation finds it even for a problem without hidden
   * tests.
   */
  static final String MARK = "gradedAtSessionEnd";

  /**
   * Which code the evaluation graded: {@code source} is {@code final_code_run} (run here), {@code
   * submitted} or {@code none}.
   */
  record Graded(EvaluationInputs inputs, JsonObject info) {}

  private final Database db;
  private final SandboxClient sandbox;

  FinalCodeGrader(Database db, SandboxClient sandbox) {
    this.db = db;
    this.sandbox = sandbox;
  }

  Future<Graded> grade(EvaluationInputs in) {
    EvaluationInputs.Snapshot fin = in.finalCode();
    if (fin == null) {
      return Future.succeededFuture(new Graded(in, new JsonObject().put("source", "none")));
    }
    EvaluationInputs.Snapshot graded =
        in.snapshots().stream()
            .filter(
                s ->
                    "execution".equals(s.type())
                        && fin.code().equals(s.code())
                        && (withHiddenTests(s) || gradedHere(s)))
            .reduce((a, b) -> b)
            .orElse(null);
    if (graded != null) {
      return Future.succeededFuture(new Graded(in, info(graded.id(), "submitted")));
    }
    UUID problemId = UUID.fromString(in.problem().getString("id"));
    String language = fin.language() == null ? in.language() : fin.language();
    return db.asService(sql -> ExecutionRepository.problem(sql, problemId, true))
        .compose(problem -> sandbox.run(language, fin.code(), "submit", problem, RUN_TIMEOUT_MS))
        .map(raw -> ExecutionService.forCandidate(raw).put(MARK, true))
        .compose(
            result ->
                db.asService(
                    sql ->
                        ExecutionRepository.storeResult(
                                sql, in.sessionId(), fin.code(), language, result)
                            .compose(
                                id ->
                                    EvaluationInputs.load(sql, in.sessionId())
                                        .map(
                                            reloaded ->
                                                new Graded(reloaded, info(id, "final_code_run"))))))
        .recover(
            err -> {
              log.warn(
                  "final code not graded, evaluating the runs that exist: {}",
                  err.getClass().getSimpleName());
              return Future.succeededFuture(
                  new Graded(
                      in,
                      new JsonObject()
                          .put("source", "not_run")
                          .put("finalSnapshotId", fin.id().toString())
                          .put("reason", err.getClass().getSimpleName())));
            });
  }

  private static JsonObject info(UUID executionId, String source) {
    return new JsonObject()
        .put("source", source)
        .put("executionSnapshotId", executionId.toString());
  }

  private static boolean gradedHere(EvaluationInputs.Snapshot s) {
    return s.executionResult() != null && s.executionResult().getBoolean(MARK, false);
  }

  private static boolean withHiddenTests(EvaluationInputs.Snapshot s) {
    return s.executionResult() != null
        && s.executionResult().getJsonArray("tests", new io.vertx.core.json.JsonArray()).stream()
            .anyMatch(t -> t instanceof JsonObject o && o.getBoolean("hidden", false));
  }
}
