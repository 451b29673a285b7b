package com.interviewroom.edge.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The benchmark's baseline: a bare Vert.x route doing the same single-row problem query as
 * {@code GET /api/problems/{slug}}, without auth, rate limits, RLS or validation. The ratio of the
 * real endpoint's throughput to this one's is the cost of everything the edge adds.
 */
final class BareProblemVerticle extends VerticleBase {
  static final String QUERY = """
      SELECT slug, title, difficulty, category, description, constraints::text AS constraints,
             starter_code::text AS starter_code, duration_minutes
        FROM problems WHERE slug = $1""";

  private final Pool pool;
  private HttpServer server;

  BareProblemVerticle(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/bare/problems/:slug").respond(ctx -> pool.preparedQuery(QUERY)
        .execute(Tuple.of(ctx.pathParam("slug")))
        .map(rows -> {
          if (rows.size() == 0) {
            ctx.response().setStatusCode(404);
            return new JsonObject();
          }
          Row row = rows.iterator().next();
          return new JsonObject()
              .put("slug", row.getString("slug"))
              .put("title", row.getString("title"))
              .put("difficulty", row.getString("difficulty"))
              .put("category", row.getString("category"))
              .put("description", row.getString("description"))
              .put("constraints", new io.vertx.core.json.JsonArray(row.getString("constraints")))
              .put("starterCode", new JsonObject(row.getString("starter_code")))
              .put("durationMinutes", row.getInteger("duration_minutes"));
        }));
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onSuccess(s -> server = s);
  }

  int port() {
    return server.actualPort();
  }
}
