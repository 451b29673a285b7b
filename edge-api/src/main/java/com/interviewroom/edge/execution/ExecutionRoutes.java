package com.interviewroom.edge.execution;

import com.interviewroom.common.wire.Languages;
import com.interviewroom.edge.execution.ExecutionService.ExecuteRequest;
import com.interviewroom.edge.session.Actor;
import com.interviewroom.edge.session.SessionRoutes;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code POST /api/sessions/{id}/execute}, behind the strict per-user request limit. */
public final class ExecutionRoutes {
  private final ExecutionService service;

  public ExecutionRoutes(ExecutionService service) {
    this.service = service;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated.strict(router.post("/api/sessions/:id/execute")).respond(this::execute);
  }

  private Future<JsonObject> execute(RoutingContext ctx) {
    var sessionId = SessionRoutes.sessionId(ctx.pathParam("id"));
    JsonInput in = JsonInput.of(ctx);
    String code = in.string("code", 0, 200_000);
    String language = in.oneOf("language", Languages.SUPPORTED, true);
    String mode = in.oneOf("mode", List.of("run", "submit"), true);
    in.finish();
    ctx.response().putHeader("Cache-Control", "no-store");
    return service.execute(Actor.of(ctx), sessionId, new ExecuteRequest(code, language, mode));
  }
}
