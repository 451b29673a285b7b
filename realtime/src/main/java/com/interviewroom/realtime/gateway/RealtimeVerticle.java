package com.interviewroom.realtime.gateway;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.HttpGuard;
import com.interviewroom.common.observability.OpenSockets;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * {@code ROLE=realtime}: a public server of its own with {@code /health} and the gateway's {@code
 * /ws}. (With {@code ROLE=all} the gateway rides on the edge's server instead.)
 */
public final class RealtimeVerticle extends VerticleBase {
  private final RealtimeGateway gateway;
  private final int port;
  private final Config.Resilience settings;
  private HttpServer server;

  public RealtimeVerticle(RealtimeGateway gateway, int port, Config.Resilience settings) {
    this.gateway = gateway;
    this.port = port;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    // the same framing rules, deadlines and per-IP cap as the edge's listener
    HttpServer created = HttpGuard.publicServer(vertx, port, settings);
    created.requestHandler(
        request -> {
          if (request.path().equals("/health")) {
            request
                .response()
                .putHeader("Content-Type", "application/json")
                .end(
                    new JsonObject()
                        .put("status", "ok")
                        .put("openSockets", OpenSockets.count())
                        .encode());
          } else {
            request.response().setStatusCode(404).end();
          }
        });
    gateway.attach(created);
    return created.listen().onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown();
  }

  public int actualPort() {
    return server.actualPort();
  }
}
