package com.interviewroom.edge.session;

import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code POST /api/realtime/token {sessionId}}: a fresh one-time token for the session's WebSocket.
 */
public final class RealtimeTokenRoutes {
  private final SessionService service;

  public RealtimeTokenRoutes(SessionService service) {
    this.service = service;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated.route(router.post("/api/realtime/token")).respond(this::token);
  }

  private Future<JsonObject> token(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    UUID sessionId = in.uuid("sessionId");
    in.finish();
    ctx.response().putHeader("Cache-Control", "no-store");
    return service.realtimeToken(BearerAuth.user(ctx).id(), sessionId);
  }
}
