package com.interviewroom.edge.evaluation;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code GET /api/sessions/{id}/evaluation}: the stored evaluation, or {@code {status:"pending"}} /
 * {@code {status:"failed"}}. Read as the user, so row-level security makes another user's session
 * indistinguishable from a missing one (404).
 */
public final class EvaluationRoutes {
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
    return db.asUser(userId, sql -> EvaluationRepository.find(sql, sessionId))
        .compose(
            evaluation ->
                evaluation == null
                    ? Future.failedFuture(Problems.notFound("No such session."))
                    : Future.succeededFuture(evaluation));
  }
}
