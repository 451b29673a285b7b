package com.interviewroom.edge.internal;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.HttpGuard;
import com.interviewroom.common.http.ProblemHandler;
import com.interviewroom.common.http.Problems;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.common.wire.InternalPaths;
import com.interviewroom.common.wire.Languages;
import com.interviewroom.common.wire.Limits;
import com.interviewroom.edge.admin.Costs;
import com.interviewroom.edge.agents.CodeObserver;
import com.interviewroom.edge.agents.Evaluator;
import com.interviewroom.edge.agents.LlmUsage;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.edge.llm.AnthropicClient;
import com.interviewroom.edge.sandbox.SandboxClient;
import com.interviewroom.edge.web.AccessLog;
import com.interviewroom.edge.web.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.UUID;

/**
 * The internal listener ({@code INTERNAL_HOST:INTERNAL_PORT}, loopback by default): {@code
 * /api/internal/*}, every request HMAC-signed and idempotent, and {@code GET /metrics} for
 * Prometheus. Workers and the scraper call it; browsers never can.
 */
public final class InternalVerticle extends VerticleBase {
  static final long BODY_LIMIT_BYTES = 128 * 1024;

  private final EdgeContext app;
  private final long modelTimeoutMs;
  private HttpServer server;

  public InternalVerticle(EdgeContext app) {
    this(app, Evaluator.DEFAULT_MODEL_TIMEOUT_MS);
  }

  /** With the evaluator's per-call model timeout (tests shorten it). */
  public InternalVerticle(EdgeContext app, long modelTimeoutMs) {
    this.app = app;
    this.modelTimeoutMs = modelTimeoutMs;
  }

  @Override
  public Future<?> start() {
    Config config = app.config();
    if (config.internalWebhookSecret() == null) {
      return Future.failedFuture(new IllegalStateException("INTERNAL_WEBHOOK_SECRET is not set"));
    }
    AnthropicClient llm =
        config.providers().anthropicKey() == null
            ? null
            : new AnthropicClient(
                vertx, config.providers().anthropicBaseUrl(), config.providers().anthropicKey());
    SandboxClient sandbox = SandboxClient.of(vertx, config.sandbox());
    Config.Models models = config.providers().models();
    LlmUsage usage =
        new LlmUsage(app.db(), Costs.ledger(app), config.operations().budget("anthropic"));
    CodeObserver observer =
        new CodeObserver(app.redis(), sandbox, llm, models.anthropicObserver(), usage);
    Evaluator evaluator =
        new Evaluator(app.db(), llm, sandbox, modelTimeoutMs, models.anthropicEvaluator(), usage);
    Idempotency idempotency = new Idempotency(vertx, app.redis());

    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.route().handler(new AccessLog());
    router
        .route(InternalPaths.INTERNAL_ALL)
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    router
        .route(InternalPaths.INTERNAL_ALL)
        .handler(new InternalAuth(config.internalWebhookSecret(), app.clock()));
    router
        .post(InternalPaths.OBSERVE_CODE)
        .handler(idempotency.wrap(ctx -> observe(ctx, observer)));
    router.post(InternalPaths.EVALUATE).handler(idempotency.wrap(ctx -> evaluate(ctx, evaluator)));
    // Prometheus scrapes here, never on the public listener (it shows limits and load)
    router.get(InternalPaths.METRICS).handler(PrometheusScrapingHandler.create(app.registry()));
    router.route().last().handler(ctx -> ctx.fail(Problems.notFound("No such resource.")));
    router.route().failureHandler(new ProblemHandler());

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.http().internalHost())
            .setPort(config.http().internalPort())
            .setIdleTimeout(config.resilience().httpIdleTimeoutSeconds())
            .setHttp2ClearTextEnabled(false);
    // the same framing rules and deadlines as the public listener; no per-IP cap (workers share
    // addresses)
    HttpServer created =
        HttpGuard.install(
            vertx.createHttpServer(options),
            options,
            new HttpGuard.Limits(
                config.resilience().httpHeaderTimeoutMs(),
                config.resilience().httpBodyTimeoutMs(),
                0));
    return created.requestHandler(router).listen().onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private static Future<InternalReply> observe(RoutingContext ctx, CodeObserver observer) {
    JsonInput in = JsonInput.of(ctx);
    UUID sessionId = sessionId(in);
    String code = in.string("code", 0, Limits.MAX_CODE_CHARS);
    String language = in.oneOf("language", Languages.SUPPORTED, true);
    UUID userId = optionalUuid(in, "userId");
    in.finish();
    return observer.observe(sessionId, userId, code, language).map(InternalReply::ok);
  }

  private static Future<InternalReply> evaluate(RoutingContext ctx, Evaluator evaluator) {
    JsonInput in = JsonInput.of(ctx);
    UUID sessionId = sessionId(in);
    in.finish();
    return evaluator.evaluate(sessionId).map(InternalReply::ok);
  }

  /** An optional UUID field (workers of an older version send none). */
  private static UUID optionalUuid(JsonInput in, String field) {
    String raw = in.optionalString(field, 36, 36);
    try {
      return raw == null ? null : UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      in.error(field, "must be a UUID");
      return null;
    }
  }

  private static UUID sessionId(JsonInput in) {
    String raw = in.string("sessionId", 36, 36);
    try {
      return raw == null ? null : UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      in.error("sessionId", "must be a UUID");
      return null;
    }
  }
}
