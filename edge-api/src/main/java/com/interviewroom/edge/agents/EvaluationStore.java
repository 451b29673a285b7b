package com.interviewroom.edge.agents;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The SQL of {@link Evaluator}: a session's {@code evaluations} row. */
final class EvaluationStore {
  private static final String EXISTING = "SELECT id, status FROM evaluations WHERE session_id = $1";
  private static final String UPSERT =
      """
      INSERT INTO evaluations (session_id, status, rubric_version, model, prompt_hash, scores, overall_score,
                               recommendation, strengths, improvements, report_markdown, evidence, error)
      VALUES ($1, $2, $3, $4, $5, $6, $7::float8, $8, $9, $10, $11, $12, $13)
      ON CONFLICT (session_id) DO UPDATE SET status = EXCLUDED.status, rubric_version = EXCLUDED.rubric_version,
        model = EXCLUDED.model, prompt_hash = EXCLUDED.prompt_hash, scores = EXCLUDED.scores,
        overall_score = EXCLUDED.overall_score, recommendation = EXCLUDED.recommendation,
        strengths = EXCLUDED.strengths, improvements = EXCLUDED.improvements,
        report_markdown = EXCLUDED.report_markdown, evidence = EXCLUDED.evidence, error = EXCLUDED.error,
        updated_at = now()
      WHERE evaluations.status <> 'completed'
      RETURNING id, status""";

  private EvaluationStore() {}

  /** The session's evaluation ({@code id}, {@code status}), or null when there is none. */
  static Future<Row> existing(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(EXISTING)
        .execute(Tuple.of(sessionId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /**
   * Stores {@code row} (the UPSERT's 13 parameters, the session first) unless the session's
   * evaluation is already completed; the stored row's id, or the completed one's.
   */
  static Future<String> upsert(SqlClient sql, Tuple row) {
    return sql.preparedQuery(UPSERT)
        .execute(row)
        .compose(
            rows ->
                rows.size() > 0
                    ? Future.succeededFuture(rows.iterator().next().getUUID("id").toString())
                    : sql.preparedQuery(EXISTING)
                        .execute(Tuple.of(row.getUUID(0)))
                        .map(existing -> existing.iterator().next().getUUID("id").toString()));
  }
}
