package com.interviewroom.edge.progress;

import com.interviewroom.edge.agents.Rubric;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.edge.session.StartRequest;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.QueryInput;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/progress?groupId=&category=}: the caller's scores over time. Read as the user, so
 * row-level security keeps every other account's evaluations out of the query itself. A request
 * carrying {@code X-Tracked-Skill-Id} sees only the sessions started while tracking that skill.
 */
public final class ProgressRoutes {
  /** The newest this many evaluations are charted; older ones are left out ({@code truncated}). */
  public static final int MAX_EVALUATIONS = 200;

  private final Database db;
  private final Progress progress = new Progress(Rubric.DIMENSIONS);

  public ProgressRoutes(Database db) {
    this.db = db;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated.route(router.get("/api/progress")).respond(this::get);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    QueryInput in = QueryInput.of(ctx);
    String groupId = in.matching("groupId", StartRequest.GROUP_ID, StartRequest.GROUP_ID_RULE);
    String category = in.token("category", 64);
    in.finish();
    Progress.Filter filter =
        new Progress.Filter(groupId, category, ctx.get(EventRecord.TRACKED_SKILL_HASH));
    UUID userId = BearerAuth.user(ctx).id();
    ctx.response().putHeader("Cache-Control", "no-store");
    return db.asUser(
            userId, sql -> ProgressRepository.evaluations(sql, userId, filter, MAX_EVALUATIONS + 1))
        .map(
            newestFirst -> {
              boolean truncated = newestFirst.size() > MAX_EVALUATIONS;
              List<Progress.Evaluated> kept =
                  truncated ? newestFirst.subList(0, MAX_EVALUATIONS) : newestFirst;
              return progress.of(kept.reversed(), filter, truncated);
            });
  }
}
