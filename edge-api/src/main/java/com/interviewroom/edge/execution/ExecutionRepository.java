package com.interviewroom.edge.execution;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The SQL of code execution: which session and problem, which tests, and the stored result. */
public final class ExecutionRepository {
  /**
   * Runs as the user: RLS hides other users' sessions, so "not yours" and "missing" look the same.
   */
  private static final String SESSION =
      """
      SELECT s.id, s.status, s.problem_id FROM sessions s WHERE s.id = $1""";

  /** Runs as the service role: hidden tests are invisible to app_user by design. */
  private static final String PROBLEM =
      """
      SELECT p.function_signature, p.compare_mode,
             coalesce(json_agg(json_build_object('id', t.ordinal, 'input', t.input, 'expected', t.expected,
                                                 'hidden', t.is_hidden) ORDER BY t.ordinal)
                      FILTER (WHERE t.id IS NOT NULL AND (t.is_example OR $2)), '[]') AS tests
      FROM problems p LEFT JOIN test_cases t ON t.problem_id = p.id
      WHERE p.id = $1
      GROUP BY p.id""";

  private static final String INSERT_SNAPSHOT =
      """
      INSERT INTO code_snapshots (session_id, code, language, snapshot_type, execution_result, client_timestamp_ms)
      VALUES ($1, $2, $3, 'execution', $4::text::jsonb, $5) RETURNING id""";

  record SessionRow(UUID id, String status, UUID problemId) {}

  private ExecutionRepository() {}

  static Future<SessionRow> session(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(SESSION)
        .execute(Tuple.of(sessionId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new SessionRow(
                  row.getUUID("id"), row.getString("status"), row.getUUID("problem_id"));
            });
  }

  /** The runner's {@code problem} block: signature, compare mode, and the tests of the mode. */
  public static Future<JsonObject> problem(SqlClient sql, UUID problemId, boolean includeHidden) {
    return sql.preparedQuery(PROBLEM)
        .execute(Tuple.of(problemId, includeHidden))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              Object tests = row.getValue("tests");
              return new JsonObject()
                  .put("function", row.getJsonObject("function_signature"))
                  .put("compare", row.getString("compare_mode"))
                  .put(
                      "tests",
                      tests instanceof JsonArray array
                          ? array
                          : new JsonArray(String.valueOf(tests)));
            });
  }

  public static Future<UUID> storeResult(
      SqlClient sql, UUID sessionId, String code, String language, JsonObject result) {
    return sql.preparedQuery(INSERT_SNAPSHOT)
        .execute(Tuple.of(sessionId, code, language, result.encode(), System.currentTimeMillis()))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }
}
