package com.interviewroom.edge;

import com.interviewroom.edge.auth.BearerAuth;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Mounts every authenticated {@code /api} resource; each feature package brings its own XxxRoutes. */
final class ApiRoutes {
  private ApiRoutes() {}

  static void mount(Router router, EdgeContext app, BearerAuth auth, Vertx vertx) {
    router.get("/api/me").handler(auth).respond(ctx -> io.vertx.core.Future.succeededFuture(
        new io.vertx.core.json.JsonObject()
            .put("id", BearerAuth.user(ctx).id().toString())
            .put("email", BearerAuth.user(ctx).email())));
    com.interviewroom.edge.evaluation.EvaluationRoutes.mount(router, app.db(), auth);
  }
}
