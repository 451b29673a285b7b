package com.interviewroom.edge.openapi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

/**
 * {@code GET /api/openapi.json}: the REST contract, public, read from the classpath once and
 * cached.
 */
public final class OpenApiRoutes {
  public static final String RESOURCE = "openapi.json";
  private final Vertx vertx;
  private Future<Buffer> document;

  public OpenApiRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  public void mount(Router router) {
    router
        .get("/api/openapi.json")
        .handler(
            ctx ->
                document()
                    .onSuccess(
                        body ->
                            ctx.response()
                                .putHeader("Content-Type", "application/json")
                                .putHeader("Cache-Control", "public, max-age=300")
                                .end(body))
                    .onFailure(ctx::fail));
  }

  /**
   * Vert.x's file system reads classpath resources asynchronously, so the event loop never blocks.
   */
  private synchronized Future<Buffer> document() {
    if (document == null || document.failed()) {
      document = vertx.fileSystem().readFile(RESOURCE);
    }
    return document;
  }
}
