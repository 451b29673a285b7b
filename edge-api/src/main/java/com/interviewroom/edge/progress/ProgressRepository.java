package com.interviewroom.edge.progress;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of {@code GET /api/progress}: a user's completed evaluations, newest first, filtered. */
final class ProgressRepository {
  // Filters on the evaluation's own group and skill columns (V11 copies them from the session and
  // indexes them); the user filter is written out even though row-level security implies it, so the
  // planner starts from the user's sessions.
  private static final String EVALUATIONS =
      """
      SELECT e.session_id, e.scores, e.overall_score::float8 AS overall, e.created_at AS evaluated_at,
             coalesce(s.started_at, s.created_at) AS held_at, e.group_id,
             p.slug, p.title, p.category, p.difficulty
        FROM evaluations e
        JOIN sessions s ON s.id = e.session_id
        JOIN problems p ON p.id = s.problem_id
       WHERE s.user_id = $1 AND e.status = 'completed'
         AND ($2::text IS NULL OR e.group_id = $2)
         AND ($3::text IS NULL OR p.category = $3)
         AND ($4::text IS NULL OR e.tracked_skill_id_hash = $4)
       ORDER BY held_at DESC, e.session_id DESC
       LIMIT $5""";

  private ProgressRepository() {}

  /** At most {@code limit} of the newest matching evaluations, newest first. */
  static Future<List<Progress.Evaluated>> evaluations(
      SqlClient sql, UUID userId, Progress.Filter filter, int limit) {
    return sql.preparedQuery(EVALUATIONS)
        .execute(
            Tuple.of(
                userId, filter.groupId(), filter.category(), filter.trackedSkillIdHash(), limit))
        .map(
            rows -> {
              List<Progress.Evaluated> out = new ArrayList<>();
              for (Row row : rows) {
                out.add(evaluated(row));
              }
              return out;
            });
  }

  private static Progress.Evaluated evaluated(Row row) {
    Object scores = row.getValue("scores");
    return new Progress.Evaluated(
        row.getUUID("session_id"),
        row.getOffsetDateTime("held_at").toInstant(),
        row.getOffsetDateTime("evaluated_at").toInstant(),
        row.getString("group_id"),
        new Progress.Problem(
            row.getString("slug"),
            row.getString("title"),
            row.getString("category"),
            row.getString("difficulty")),
        row.getDouble("overall"),
        scores instanceof JsonObject json ? json : new JsonObject());
  }
}
