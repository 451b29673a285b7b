package com.interviewroom.edge.replay;

import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.session.SessionRoutes;
import com.interviewroom.edge.session.SessionService;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.NoInput;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code GET /api/sessions/{id}/timeline}: what the summary page's replay steps through, the
 * transcript lines and every code snapshot (runs with their test outcomes) with their server times,
 * on the same clock as the recording's {@code startedAt}. Owner only: read as the user, so
 * row-level security makes another user's session a 404 like a missing one.
 */
public final class TimelineRoutes {
  /**
   * Bounds on one answer; a 30-minute interview has far fewer (snapshots come at most every few
   * seconds).
   */
  public static final int MAX_LINES = 2_000;

  public static final int MAX_SNAPSHOTS = 1_000;

  private final Database db;

  public TimelineRoutes(Database db) {
    this.db = db;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated.route(router.get("/api/sessions/:id/timeline")).respond(this::get);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    UUID sessionId = SessionRoutes.sessionId(ctx.pathParam("id"));
    NoInput.check(ctx);
    ctx.response().putHeader("Cache-Control", "no-store");
    return db.asUser(
        BearerAuth.user(ctx).id(),
        sql ->
            TimelineRepository.session(sql, sessionId)
                .compose(
                    session ->
                        session == null
                            ? Future.failedFuture(SessionService.notFound())
                            : TimelineRepository.transcript(sql, sessionId, MAX_LINES + 1)
                                .compose(
                                    lines ->
                                        TimelineRepository.snapshots(
                                                sql, sessionId, MAX_SNAPSHOTS + 1)
                                            .map(
                                                snapshots ->
                                                    session
                                                        .put(
                                                            "truncated",
                                                            lines.size() > MAX_LINES
                                                                || snapshots.size() > MAX_SNAPSHOTS)
                                                        .put("transcript", first(lines, MAX_LINES))
                                                        .put(
                                                            "snapshots",
                                                            first(snapshots, MAX_SNAPSHOTS))))));
  }

  private static JsonArray first(JsonArray items, int max) {
    return items.size() <= max ? items : new JsonArray(items.getList().subList(0, max));
  }
}
