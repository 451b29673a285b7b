package com.interviewroom.schema;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes the problem bank into {@code problems}, {@code test_cases} and {@code problem_solutions}.
 *
 * <p>Upserts by slug, replaces a problem's test cases, upserts its solutions (and drops languages
 * no longer in the file), all in one {@code app_service} transaction: a reader never sees half a
 * bank, and running it again never duplicates anything. Problems are never deleted because sessions
 * reference them.
 */
public final class ProblemBankSeeder {

  // JSON goes in as text and is cast server-side: a bare string or number stays exactly as written.
  private static final String UPSERT_PROBLEM =
      """
        INSERT INTO problems (slug, title, difficulty, category, description, constraints, function_signature,
                              compare_mode, starter_code, duration_minutes, input_generator)
        VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8, $9::text::jsonb, $10, $11::text::jsonb)
        ON CONFLICT (slug) DO UPDATE SET
            title = EXCLUDED.title, difficulty = EXCLUDED.difficulty, category = EXCLUDED.category,
            description = EXCLUDED.description, constraints = EXCLUDED.constraints,
            function_signature = EXCLUDED.function_signature, compare_mode = EXCLUDED.compare_mode,
            starter_code = EXCLUDED.starter_code, duration_minutes = EXCLUDED.duration_minutes,
            input_generator = EXCLUDED.input_generator
        RETURNING id""";
  private static final String DELETE_TESTS = "DELETE FROM test_cases WHERE problem_id = $1";
  private static final String INSERT_TEST =
      """
        INSERT INTO test_cases (problem_id, ordinal, input, expected, is_example, is_hidden)
        VALUES ($1, $2, $3::text::jsonb, $4::text::jsonb, $5, $6)""";
  private static final String UPSERT_SOLUTION =
      """
        INSERT INTO problem_solutions (problem_id, language, code) VALUES ($1, $2, $3)
        ON CONFLICT (problem_id, language) DO UPDATE SET code = EXCLUDED.code""";
  private static final String DELETE_OTHER_SOLUTIONS =
      "DELETE FROM problem_solutions WHERE problem_id = $1 AND NOT (language = ANY($2))";

  private ProblemBankSeeder() {}

  /** Seeds every problem of the bank; completes with the number of problems written. */
  public static Future<Integer> seed(Database db, ProblemBank bank) {
    List<Problem> problems = bank.problems();
    return db.asService(
        conn -> {
          Future<Void> chain = Future.succeededFuture();
          for (Problem problem : problems) {
            // one problem after another: a transaction's statements are sequential anyway
            chain = chain.compose(v -> seedOne(conn, problem));
          }
          return chain.map(v -> problems.size());
        });
  }

  private static Future<Void> seedOne(SqlConnection conn, Problem p) {
    return upsertProblem(conn, p)
        .compose(id -> replaceTests(conn, id, p).map(id))
        .compose(id -> upsertSolutions(conn, id, p));
  }

  private static Future<UUID> upsertProblem(SqlConnection conn, Problem p) {
    JsonObject starter = new JsonObject();
    p.starterCode().forEach(starter::put);
    Tuple row =
        Tuple.tuple()
            .addString(p.slug())
            .addString(p.title())
            .addString(p.difficulty())
            .addString(p.category())
            .addString(p.description())
            .addString(new JsonArray(List.copyOf(p.constraints())).encode())
            .addString(p.function().toJson().encode())
            .addString(p.compare())
            .addString(starter.encode())
            .addInteger(p.durationMinutes())
            .addString(p.inputGenerator() == null ? null : p.inputGenerator().toJson().encode());
    return conn.preparedQuery(UPSERT_PROBLEM)
        .execute(row)
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  private static Future<Void> replaceTests(SqlConnection conn, UUID problemId, Problem p) {
    List<Tuple> batch = new ArrayList<>();
    for (int i = 0; i < p.tests().size(); i++) {
      Problem.TestCase t = p.tests().get(i);
      batch.add(
          Tuple.of(
              problemId,
              i,
              t.input().encode(),
              Json.encode(t.expected()),
              t.example(),
              !t.example()));
    }
    return conn.preparedQuery(DELETE_TESTS)
        .execute(Tuple.of(problemId))
        .compose(
            v ->
                batch.isEmpty()
                    ? Future.succeededFuture()
                    : conn.preparedQuery(INSERT_TEST).executeBatch(batch))
        .mapEmpty();
  }

  private static Future<Void> upsertSolutions(SqlConnection conn, UUID problemId, Problem p) {
    List<Tuple> batch = new ArrayList<>();
    p.solutions().forEach((lang, code) -> batch.add(Tuple.of(problemId, lang, code)));
    String[] languages = p.solutions().keySet().toArray(String[]::new);
    Future<?> upsert =
        batch.isEmpty()
            ? Future.succeededFuture()
            : conn.preparedQuery(UPSERT_SOLUTION).executeBatch(batch);
    return upsert
        .compose(
            v ->
                conn.preparedQuery(DELETE_OTHER_SOLUTIONS)
                    .execute(Tuple.tuple().addUUID(problemId).addArrayOfString(languages)))
        .mapEmpty();
  }
}
