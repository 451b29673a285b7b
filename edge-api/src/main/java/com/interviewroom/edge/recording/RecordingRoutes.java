package com.interviewroom.edge.recording;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.NoInput;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code GET /api/sessions/{id}/recording}: the owner's recording with presigned chunk URLs (10
 * minutes). Read as the user, so another user's recording is a 404 exactly like a missing one.
 */
public final class RecordingRoutes {
  private final Database db;
  private final RecordingLinks links;

  public RecordingRoutes(Database db, RecordingLinks links) {
    this.db = db;
    this.links = links;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated.route(router.get("/api/sessions/:id/recording")).respond(this::get);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    NoInput.check(ctx);
    UUID sessionId;
    try {
      sessionId = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Problems.notFound("No recording for this session."));
    }
    UUID userId = BearerAuth.user(ctx).id();
    // presigned URLs are credentials for ten minutes: never cached
    ctx.response().putHeader("Cache-Control", "no-store");
    return db.asUser(userId, sql -> RecordingRepository.ofSession(sql, sessionId))
        .map(
            recording -> {
              if (recording == null) {
                throw Problems.notFound("No recording for this session.");
              }
              return links.toJson(recording);
            });
  }
}
