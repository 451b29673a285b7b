package com.interviewroom.edge.evaluation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The SQL of {@link EvaluationRoutes}: a session's evaluation as the API shows it. */
final class EvaluationRepository {
  private static final String SESSION = "SELECT 1 FROM sessions WHERE id = $1";
  private static final String EVALUATION =
      """
      SELECT status, rubric_version, model, prompt_hash, scores, overall_score::float8 AS overall, recommendation,
             strengths, improvements, report_markdown, evidence, created_at, updated_at
      FROM evaluations WHERE session_id = $1""";

  private EvaluationRepository() {}

  /**
   * The evaluation, {@code {status:"pending"}} while there is none, or null when {@code sql} cannot
   * see the session (another user's, or missing).
   */
  static Future<JsonObject> find(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(SESSION)
        .execute(Tuple.of(sessionId))
        .compose(
            sessions ->
                sessions.size() == 0
                    ? Future.succeededFuture(null)
                    : sql.preparedQuery(EVALUATION)
                        .execute(Tuple.of(sessionId))
                        .map(
                            rows ->
                                rows.size() == 0
                                    ? new JsonObject().put("status", "pending")
                                    : toJson(rows.iterator().next())));
  }

  private static JsonObject toJson(Row row) {
    String status = row.getString("status");
    if (!"completed".equals(status)) {
      return new JsonObject().put("status", status);
    }
    return new JsonObject()
        .put("status", status)
        .put("overallScore", row.getDouble("overall"))
        .put("recommendation", row.getString("recommendation"))
        .put("scores", row.getJsonObject("scores"))
        .put("strengths", row.getJsonArray("strengths"))
        .put("improvements", row.getJsonArray("improvements"))
        .put("reportMarkdown", row.getString("report_markdown"))
        .put("evidence", row.getJsonObject("evidence"))
        .put("rubricVersion", row.getString("rubric_version"))
        .put("model", row.getString("model"))
        .put("heuristic", "heuristic".equals(row.getString("model")))
        .put("promptHash", row.getString("prompt_hash"))
        .put("createdAt", row.getOffsetDateTime("created_at").toString())
        .put("updatedAt", row.getOffsetDateTime("updated_at").toString());
  }
}
