package com.interviewroom.edge.bench;

import com.interviewroom.edge.problem.ProblemRepository;
import com.interviewroom.edge.problem.ProblemService;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The benchmark's baselines: bare Vert.x routes without auth, rate limits, validation, request ids
 * or access log, so the ratio of {@code GET /api/problems/{slug}}'s throughput to theirs is the
 * cost of what the edge adds.
 *
 * <ul>
 *   <li>{@code /bare/problems/{slug}}: the endpoint's single-row query ({@code
 *       ProblemRepository.bySlug}, the same SQL and JSON mapping) on the same catalog pool, on
 *       every request;
 *   <li>{@code /bare/cached/problems/{slug}}: the endpoint's own data path ({@link
 *       ProblemService#document}, with its in-memory document cache), so the ratio against it is
 *       edge overhead only.
 * </ul>
 */
final class BareProblemVerticle extends VerticleBase {
  private final Database db;
  private final ProblemService service;
  private HttpServer server;

  BareProblemVerticle(Database db) {
    this.db = db;
    this.service = new ProblemService(db);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router
        .get("/bare/problems/:slug")
        .respond(
            ctx ->
                json(
                    ctx,
                    ProblemRepository.bySlug(db.catalog(), ctx.pathParam("slug"))
                        .map(view -> view == null ? null : view.json().toBuffer())));
    router
        .get("/bare/cached/problems/:slug")
        .respond(ctx -> json(ctx, service.document(ctx.pathParam("slug"))));
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .onSuccess(s -> server = s);
  }

  private static Future<Buffer> json(RoutingContext ctx, Future<Buffer> document) {
    return document.map(
        body -> {
          if (body == null) {
            ctx.response().setStatusCode(404);
            return Buffer.buffer();
          }
          ctx.response().putHeader("Content-Type", "application/json");
          return body;
        });
  }

  int port() {
    return server.actualPort();
  }
}
