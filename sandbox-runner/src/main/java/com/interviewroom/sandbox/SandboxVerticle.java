package com.interviewroom.sandbox;

import com.interviewroom.common.config.Config;
import com.interviewroom.sandbox.http.SandboxRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The sandbox runner's private HTTP API on {@code cfg.port()} (0 picks a free port, see
 * {@link #actualPort()}). Set-up (runtime detection, cgroups, work dirs, harness build) and every run
 * happen off the event loop.
 */
public final class SandboxVerticle extends VerticleBase {
  private final Config.Sandbox cfg;
  private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
  private SandboxService service;
  private HttpServer server;

  public SandboxVerticle(Config.Sandbox cfg) {
    this.cfg = cfg;
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> SandboxService.start(cfg.slots(), cfg.queue(), cfg.requireCgroups()))
        .compose(started -> {
          service = started;
          blocking.submit(service::warmUp);
          server = vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(4096));
          return server.requestHandler(new SandboxRoutes(vertx, service, blocking).router()).listen(cfg.port());
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(v -> vertx.executeBlocking(() -> {
      blocking.shutdownNow();
      if (service != null) {
        service.close();
      }
      return null;
    }));
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** For benchmarks and tests that drive the service without HTTP. */
  public SandboxService service() {
    return service;
  }
}
