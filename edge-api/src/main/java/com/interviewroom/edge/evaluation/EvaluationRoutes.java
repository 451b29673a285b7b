package com.interviewroom.edge.evaluation;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * {@code GET /api/sessions/{id}/evaluation}: the stored evaluation, or {@code {status:"pending"}} /
 * {@code {status:"failed"}}. Read as the user, so row-level security makes another user's session
 * indistinguishable from a missing one (404).
 */
public final class EvaluationRoutes {
  private static final String SESSION = "SELECT 1 FROM sessions WHERE id = $1";
  private static final String EVALUATION = """
      SELECT status, rubric_version, model, prompt_hash, scores, overall_score::float8 AS overall, recommendation,
             strengths, improvements, report_markdown, evidence, created_at, updated_at
      FROM evaluations WHERE session_id = $1""";

  private final Database db;

  public EvaluationRoutes(Database db) {
    this.db = db;
  }

  public static void mount(Router router, Database db, Authenticated authenticated) {
    EvaluationRoutes routes = new EvaluationRoutes(db);
    authenticated.route(router.get("/api/sessions/:id/evaluation")).respond(routes::get);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    UUID sessionId;
    try {
      sessionId = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Problems.notFound("No such session."));
    }
    UUID userId = BearerAuth.user(ctx).id();
    return db.asUser(userId, sql -> sql.preparedQuery(SESSION).execute(Tuple.of(sessionId))
        .compose(sessions -> sessions.size() == 0
            ? Future.failedFuture(Problems.notFound("No such session."))
            : sql.preparedQuery(EVALUATION).execute(Tuple.of(sessionId))
                .map(rows -> rows.size() == 0 ? new JsonObject().put("status", "pending") : toJson(rows.iterator().next()))));
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
