package com.interviewroom.edge.health;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.observability.OpenSockets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * {@code GET /health} (liveness: cheap, no I/O) and {@code GET /health/ready} (every dependency
 * probed in parallel under a short timeout; 503 when a critical one is down).
 */
public final class HealthRoutes {
  static final long PROBE_TIMEOUT_MS = 2_000;
  private final Vertx vertx;
  private final Config config;
  private final List<Dependency> dependencies;
  private final String version;
  private final com.interviewroom.edge.llm.ModelCatalog models;

  public HealthRoutes(Vertx vertx, Config config, List<Dependency> dependencies) {
    this(
        vertx,
        config,
        dependencies,
        new com.interviewroom.edge.llm.ModelCatalog(vertx, config.providers()));
  }

  /**
   * {@code models} checks the configured model ids (cached); an unknown one makes readiness
   * "degraded" and is named.
   */
  public HealthRoutes(
      Vertx vertx,
      Config config,
      List<Dependency> dependencies,
      com.interviewroom.edge.llm.ModelCatalog models) {
    this.vertx = vertx;
    this.config = config;
    this.models = models;
    this.dependencies = List.copyOf(dependencies);
    String implementation = HealthRoutes.class.getPackage().getImplementationVersion();
    this.version = implementation == null ? "dev" : implementation;
  }

  public void mount(Router router) {
    router.get("/health").respond(this::live);
    router.get("/health/ready").handler(this::ready);
  }

  private Future<JsonObject> live(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
    return Future.succeededFuture(
        new JsonObject()
            .put("status", "ok")
            .put("version", version)
            .put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
            .put("openWebSockets", OpenSockets.count()));
  }

  private void ready(RoutingContext ctx) {
    List<Future<JsonObject>> probes = dependencies.stream().map(this::probe).toList();
    Future<java.util.Map<String, io.vertx.core.json.JsonArray>> modelStatus = models.status();
    Future.join(Future.join(probes), modelStatus)
        .onComplete(
            done -> {
              JsonObject components = new JsonObject();
              boolean criticalDown = false;
              boolean anyDown = false;
              for (int i = 0; i < probes.size(); i++) {
                JsonObject result = probes.get(i).result();
                components.put(dependencies.get(i).name(), result);
                boolean up = "up".equals(result.getString("status"));
                anyDown |= !up;
                criticalDown |= !up && dependencies.get(i).critical();
              }
              providers().forEach(e -> components.put(e.getKey(), e.getValue()));
              // a configured model the provider does not know: named, and the service is degraded
              // (other providers, or the local ones, answer)
              java.util.Map<String, io.vertx.core.json.JsonArray> checked =
                  modelStatus.result() == null ? java.util.Map.of() : modelStatus.result();
              for (var entry : checked.entrySet()) {
                components.getJsonObject(entry.getKey()).put("models", entry.getValue());
                boolean unknown =
                    entry.getValue().stream()
                        .anyMatch(
                            m -> "unavailable".equals(((JsonObject) m).getString("modelStatus")));
                if (unknown) {
                  components.getJsonObject(entry.getKey()).put("status", "model_unavailable");
                  anyDown = true;
                }
              }
              JsonObject body =
                  new JsonObject()
                      .put("status", criticalDown ? "down" : anyDown ? "degraded" : "ok")
                      .put("components", components);
              ctx.response()
                  .setStatusCode(criticalDown ? 503 : 200)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(body.encode());
            });
  }

  /** Never fails: a failed or slow probe becomes {@code status: down}. */
  private Future<JsonObject> probe(Dependency dependency) {
    long started = System.nanoTime();
    Future<?> attempt;
    try {
      attempt = dependency.probe().get();
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    return attempt
        .timeout(PROBE_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .map(ok -> new JsonObject().put("status", "up").put("latencyMs", elapsedMs(started)))
        .otherwise(
            err -> {
              JsonObject down =
                  new JsonObject().put("status", "down").put("latencyMs", elapsedMs(started));
              if (err instanceof Dependency.Down why) {
                return why.detail().copy().mergeIn(down).put("error", why.getMessage());
              }
              return down.put(
                  "error",
                  err instanceof java.util.concurrent.TimeoutException ? "timeout" : "unreachable");
            });
  }

  private JsonObject providers() {
    Config.Providers p = config.providers();
    return new JsonObject()
        .put("openai", configured(p.openAiKey()))
        .put("gemini", configured(p.geminiKey()))
        .put("anthropic", configured(p.anthropicKey()))
        .put("stripe", configured(config.stripe().secretKey()));
  }

  private static JsonObject configured(String key) {
    return new JsonObject().put("status", key == null ? "not_configured" : "configured");
  }

  private static long elapsedMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
