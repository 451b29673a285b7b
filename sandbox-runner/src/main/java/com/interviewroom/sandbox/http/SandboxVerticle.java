package com.interviewroom.sandbox.http;

import com.interviewroom.common.config.Config;
import com.interviewroom.sandbox.Readiness;
import com.interviewroom.sandbox.SandboxService;
import com.interviewroom.sandbox.isolation.Prerequisites;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox runner's private HTTP API on {@code host:cfg.port()} (0 picks a free port, see {@link
 * #actualPort()}), every {@code /v1} call authenticated with the runner's token. Set-up (runtime
 * detection, cgroups, work dirs, harness build) and every run happen off the event loop. A host
 * that lacks what sandboxes need still gets a listener: it refuses runs with 503 {@code
 * sandbox_unavailable} and its {@code /health} names what to install.
 */
public final class SandboxVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SandboxVerticle.class);

  /** The address of an in-process runner ({@code ROLE=all}): nothing but this host may call it. */
  public static final String LOOPBACK = "127.0.0.1";

  private final Config.Sandbox cfg;
  private final String host;
  private final String token;
  private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
  private SandboxService service;
  private Readiness readiness;
  private HttpServer server;

  /** On loopback. */
  public SandboxVerticle(Config.Sandbox cfg) {
    this(cfg, LOOPBACK);
  }

  /**
   * @param host the listen address: loopback in-process, the private network for {@code
   *     ROLE=sandbox}
   */
  public SandboxVerticle(Config.Sandbox cfg, String host) {
    this.cfg = cfg;
    this.host = host;
    this.token = cfg.token() != null ? cfg.token() : randomToken();
  }

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(this::startService)
        .compose(
            started -> {
              service = started;
              if (service != null) {
                blocking.submit(
                    () -> {
                      service.warmUp();
                      readiness.refresh(); // the first real answer, before anyone asks
                    });
              }
              server =
                  vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(4096));
              return server
                  .requestHandler(
                      new SandboxRoutes(vertx, service, readiness, token, blocking).router())
                  .listen(cfg.port(), host);
            });
  }

  private SandboxService startService() {
    List<String> missing = new ArrayList<>(Prerequisites.missingForAnyRun());
    SandboxService started = null;
    if (missing.isEmpty()) {
      try {
        started = SandboxService.start(cfg.slots(), cfg.queue(), cfg.requireCgroups());
        missing.addAll(Prerequisites.missingRuntimes(started.runtimes()));
      } catch (IllegalStateException e) {
        throw e; // SANDBOX_CGROUPS=required and no cgroups: refuse to start, as documented
      } catch (Exception e) {
        missing.add("a sandbox runner that starts: " + e.getMessage());
      }
    }
    if (!missing.isEmpty()) {
      log.warn(
          "code execution {}: install or provide {}",
          started == null ? "is unavailable" : "is limited",
          String.join("; ", missing));
    }
    readiness = new Readiness(started, missing, blocking);
    return started;
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(
        v ->
            vertx.executeBlocking(
                () -> {
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

  /** The credential {@code /v1} calls must carry as {@code Authorization: Bearer <token>}. */
  public String token() {
    return token;
  }

  /**
   * For benchmarks and tests that drive the service without HTTP (null when the runner could not
   * start).
   */
  public SandboxService service() {
    return service;
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
