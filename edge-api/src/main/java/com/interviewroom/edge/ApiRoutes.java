package com.interviewroom.edge;

import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.problem.ProblemRoutes;
import com.interviewroom.edge.problem.ProblemService;
import com.interviewroom.edge.session.RealtimeTokenRoutes;
import com.interviewroom.edge.session.SessionRoutes;
import com.interviewroom.edge.session.SessionService;
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
    new ProblemRoutes(new ProblemService(app.db())).mount(router, auth);
    new SessionRoutes(SessionService.create(app)).mount(router, auth);
    new RealtimeTokenRoutes(SessionService.create(app)).mount(router, auth);
  }
}
