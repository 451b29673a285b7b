package com.interviewroom.edge.problem;

import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.NoInput;
import com.interviewroom.edge.web.QueryInput;
import com.interviewroom.schema.Problem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * {@code GET /api/problems}, {@code /api/problems/random}, {@code /api/problems/{slug}}: public
 * (seed 1.4a). Anyone may read the catalog, limited per IP; a caller with a bearer token is limited
 * per user, and the random pick avoids the problems they finished recently. Only public rows are
 * ever read (the catalog pool runs as app_user: example test cases only, never solutions).
 */
public final class ProblemRoutes {
  public static final int MAX_PAGE_SIZE = 100;
  static final int CATEGORY_MAX = 64;
  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

  private final ProblemService service;

  public ProblemRoutes(ProblemService service) {
    this.service = service;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated.open(router.get("/api/problems")).respond(this::list);
    // before /:slug, so "random" is never read as a slug
    authenticated.open(router.get("/api/problems/random")).respond(this::random);
    authenticated.open(router.get("/api/problems/:slug")).respond(this::bySlug);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    QueryInput in = QueryInput.of(ctx);
    String difficulty = in.oneOf("difficulty", Problem.DIFFICULTIES);
    String category = in.token("category", CATEGORY_MAX);
    int page = in.integer("page", 1, 10_000, 1);
    int pageSize = in.integer("pageSize", 1, MAX_PAGE_SIZE, 20);
    in.finish();
    return service.list(difficulty, category, page, pageSize);
  }

  private Future<JsonObject> random(RoutingContext ctx) {
    QueryInput in = QueryInput.of(ctx);
    String difficulty = in.oneOf("difficulty", Problem.DIFFICULTIES);
    String category = in.token("category", CATEGORY_MAX);
    in.finish();
    ctx.response().putHeader("Cache-Control", "no-store");
    AuthUser user = BearerAuth.userOrNull(ctx);
    return service.random(user == null ? null : user.id(), difficulty, category);
  }

  private Future<Buffer> bySlug(RoutingContext ctx) {
    NoInput.check(ctx);
    String slug = ctx.pathParam("slug");
    if (!SLUG.matcher(slug).matches()) {
      return Future.failedFuture(
          new ApiException(404, "problem_not_found", "Not Found", "No problem has this slug."));
    }
    // already-encoded JSON: respond() would not set the type for a Buffer
    return service
        .document(slug)
        .onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json"));
  }
}
