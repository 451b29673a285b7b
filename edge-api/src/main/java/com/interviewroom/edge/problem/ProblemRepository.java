package com.interviewroom.edge.problem;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The SQL of the problem bank as clients see it. Every query names its columns: solutions and
 * hidden test cases are never selected, whichever role runs it (row-level security guards them as
 * well).
 */
public final class ProblemRepository {
  /** How many of a user's latest completed sessions {@link #random} avoids repeating. */
  static final int RECENT_SESSIONS = 10;

  private static final String FILTER =
      """
      ($1::text IS NULL OR p.difficulty = $1) AND ($2::text IS NULL OR p.category = $2)""";
  private static final String PAGE =
      """
      SELECT p.slug, p.title, p.difficulty, p.category, p.duration_minutes
      FROM problems p WHERE """
          + FILTER
          + """
       ORDER BY p.slug LIMIT $3 OFFSET $4""";
  private static final String COUNT = "SELECT count(*) AS n FROM problems p WHERE " + FILTER;
  // Examples only, aggregated in the same round trip; hidden cases never leave the database.
  private static final String BY_SLUG =
      """
      SELECT p.id, p.slug, p.title, p.difficulty, p.category, p.duration_minutes, p.description,
             p.constraints::text AS constraints, p.function_signature::text AS function_signature,
             p.starter_code::text AS starter_code,
             (SELECT coalesce(json_agg(json_build_object('input', t.input, 'expected', t.expected) ORDER BY t.ordinal), '[]')
                FROM test_cases t
               WHERE t.problem_id = p.id AND t.is_example AND NOT t.is_hidden)::text AS examples
      FROM problems p WHERE p.slug = $1""";
  private static final String RECENT_COMPLETED =
      """
      SELECT problem_id FROM sessions
      WHERE user_id = $1 AND status = 'completed'
      ORDER BY created_at DESC LIMIT"""
          + " "
          + RECENT_SESSIONS;
  private static final String CANDIDATES =
      "FROM problems p WHERE " + FILTER + " AND NOT (p.id = ANY($3::uuid[]))";
  private static final String COUNT_CANDIDATES = "SELECT count(*) AS n " + CANDIDATES;
  private static final String PICK_CANDIDATE =
      "SELECT p.slug " + CANDIDATES + " ORDER BY p.slug OFFSET $4 LIMIT 1";

  /** A problem as a candidate sees it, with the id and duration the session code needs. */
  public record ProblemView(UUID id, int durationMinutes, JsonObject json) {}

  public record Page(List<JsonObject> items, long total) {}

  private ProblemRepository() {}

  public static Future<Page> list(
      SqlClient sql, String difficulty, String category, int limit, int offset) {
    Future<List<JsonObject>> items =
        sql.preparedQuery(PAGE)
            .execute(
                Tuple.tuple()
                    .addString(difficulty)
                    .addString(category)
                    .addInteger(limit)
                    .addInteger(offset))
            .map(
                rows -> {
                  List<JsonObject> out = new ArrayList<>();
                  rows.forEach(row -> out.add(summary(row)));
                  return out;
                });
    return items.compose(
        page ->
            sql.preparedQuery(COUNT)
                .execute(Tuple.tuple().addString(difficulty).addString(category))
                .map(rows -> new Page(page, rows.iterator().next().getLong("n"))));
  }

  /** Completes with null when no problem has this slug. */
  public static Future<ProblemView> bySlug(SqlClient sql, String slug) {
    return sql.preparedQuery(BY_SLUG)
        .execute(Tuple.of(slug))
        .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
  }

  /**
   * A uniformly random matching problem, avoiding the ones {@code userId} completed in recent
   * sessions unless nothing else matches. Counts the candidates and reads the one at a random
   * offset, so no query sorts the whole table by {@code random()}. Null when nothing matches.
   */
  public static Future<ProblemView> random(
      SqlClient sql, UUID userId, String difficulty, String category) {
    return sql.preparedQuery(RECENT_COMPLETED)
        .execute(Tuple.of(userId))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("problem_id")));
              return ids.toArray(UUID[]::new);
            })
        .compose(
            recent ->
                pick(sql, difficulty, category, recent)
                    .compose(
                        slug ->
                            slug != null || recent.length == 0
                                ? Future.succeededFuture(slug)
                                : pick(sql, difficulty, category, new UUID[0])))
        .compose(slug -> slug == null ? Future.succeededFuture(null) : bySlug(sql, slug));
  }

  private static Future<String> pick(
      SqlClient sql, String difficulty, String category, UUID[] excluded) {
    return sql.preparedQuery(COUNT_CANDIDATES)
        .execute(Tuple.tuple().addString(difficulty).addString(category).addArrayOfUUID(excluded))
        .map(rows -> rows.iterator().next().getLong("n"))
        .compose(
            count ->
                count == 0
                    ? Future.succeededFuture(null)
                    : sql.preparedQuery(PICK_CANDIDATE)
                        .execute(
                            Tuple.tuple()
                                .addString(difficulty)
                                .addString(category)
                                .addArrayOfUUID(excluded)
                                .addLong(ThreadLocalRandom.current().nextLong(count)))
                        .map(
                            rows ->
                                rows.size() == 0
                                    ? null
                                    : rows.iterator().next().getString("slug")));
  }

  static JsonObject summary(Row row) {
    return new JsonObject()
        .put("slug", row.getString("slug"))
        .put("title", row.getString("title"))
        .put("difficulty", row.getString("difficulty"))
        .put("category", row.getString("category"))
        .put("durationMinutes", row.getInteger("duration_minutes"));
  }

  private static ProblemView view(Row row) {
    JsonObject json =
        summary(row)
            .put("description", row.getString("description"))
            .put("constraints", new JsonArray(row.getString("constraints")))
            .put("functionSignature", new JsonObject(row.getString("function_signature")))
            .put("starterCode", new JsonObject(row.getString("starter_code")))
            .put("examples", new JsonArray(row.getString("examples")));
    return new ProblemView(row.getUUID("id"), row.getInteger("duration_minutes"), json);
  }
}
