package com.interviewroom.edge.session;

import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.JsonInput;
import com.interviewroom.edge.web.NoInput;
import com.interviewroom.edge.web.QueryInput;
import com.interviewroom.schema.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/** {@code /api/sessions/**}: start, list, detail, end, code snapshots. All need a bearer token. */
public final class SessionRoutes {
  public static final int MAX_PAGE_SIZE = 100;
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]*");

  /**
   * Above what the 128 KB body limit can carry, so it never bites first: the real cap is {@link
   * SnapshotRequest#MAX_CODE_BYTES}, counted in UTF-8 bytes by the service (413).
   */
  private static final int MAX_CODE_CHARS = 200_000;

  private final SessionService service;

  public SessionRoutes(SessionService service) {
    this.service = service;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated.strict(router.post("/api/sessions/start")).respond(this::start);
    authenticated.route(router.get("/api/sessions")).respond(this::list);
    authenticated.route(router.get("/api/sessions/:id")).respond(this::get);
    authenticated.route(router.post("/api/sessions/:id/end")).respond(this::end);
    authenticated.route(router.post("/api/sessions/:id/code")).respond(this::code);
  }

  private Future<JsonObject> start(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String slug = in.optionalString("problemSlug", 1, 100);
    String difficulty = in.oneOf("difficulty", Problem.DIFFICULTIES, false);
    String category = in.optionalString("category", 1, 64);
    String language = in.oneOf("language", Problem.LANGUAGES, true);
    String groupId = in.optionalString("groupId", 1, 64);
    if (groupId != null && !StartRequest.GROUP_ID.matcher(groupId).matches()) {
      in.error("groupId", StartRequest.GROUP_ID_RULE);
    }
    if (slug != null && !SLUG.matcher(slug).matches()) {
      in.error("problemSlug", "must be lower-case letters, digits and dashes");
    }
    if (slug != null && (difficulty != null || category != null)) {
      in.error("problemSlug", "cannot be combined with difficulty or category");
    }
    in.finish();
    return service
        .start(Actor.of(ctx), new StartRequest(slug, difficulty, category, language, groupId))
        .onSuccess(
            started -> ctx.response().setStatusCode(201).putHeader("Cache-Control", "no-store"));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    QueryInput in = QueryInput.of(ctx);
    int page = in.integer("page", 1, 10_000, 1);
    int pageSize = in.integer("pageSize", 1, MAX_PAGE_SIZE, 20);
    in.finish();
    ctx.response().putHeader("Cache-Control", "no-store");
    return service.list(BearerAuth.user(ctx).id(), page, pageSize);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    UUID id = sessionId(ctx.pathParam("id"));
    NoInput.check(ctx);
    ctx.response().putHeader("Cache-Control", "no-store");
    return service.get(BearerAuth.user(ctx).id(), id);
  }

  private Future<JsonObject> end(RoutingContext ctx) {
    UUID id = sessionId(ctx.pathParam("id"));
    NoInput.check(ctx);
    return service.end(Actor.of(ctx), id);
  }

  private Future<JsonObject> code(RoutingContext ctx) {
    UUID id = sessionId(ctx.pathParam("id"));
    JsonInput in = JsonInput.of(ctx);
    String code = in.string("code", 0, MAX_CODE_CHARS);
    String language = in.oneOf("language", Problem.LANGUAGES, true);
    String type = in.oneOf("snapshotType", SnapshotRequest.TYPES, true);
    Long timestampMs = in.requiredLong("timestampMs", 0, Long.MAX_VALUE);
    in.finish();
    return service
        .snapshot(Actor.of(ctx), id, new SnapshotRequest(code, language, type, timestampMs))
        .onSuccess(saved -> ctx.response().setStatusCode(201));
  }

  /** A malformed id names no session of anyone's: the same 404 as a session that is not yours. */
  public static UUID sessionId(String raw) {
    if (raw == null || !UUID_TEXT.matcher(raw).matches()) {
      throw SessionService.notFound();
    }
    return UUID.fromString(raw);
  }
}
