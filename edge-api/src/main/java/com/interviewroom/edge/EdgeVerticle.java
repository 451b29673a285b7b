package com.interviewroom.edge;

import com.interviewroom.common.http.HttpGuard;
import com.interviewroom.common.http.ProblemHandler;
import com.interviewroom.common.http.Problems;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.common.wire.InternalPaths;
import com.interviewroom.edge.auth.AuthRoutes;
import com.interviewroom.edge.auth.AuthService;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.auth.IdentityAccounts;
import com.interviewroom.edge.auth.PendingLinks;
import com.interviewroom.edge.auth.TokenRevocations;
import com.interviewroom.edge.auth.oauth.OAuthRoutes;
import com.interviewroom.edge.auth.oauth.SignInProviders;
import com.interviewroom.edge.clienterror.ClientErrorRoutes;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.edge.health.Dependency;
import com.interviewroom.edge.health.HealthRoutes;
import com.interviewroom.edge.llm.ModelCatalog;
import com.interviewroom.edge.payment.PaymentRoutes;
import com.interviewroom.edge.ratelimit.ClientIp;
import com.interviewroom.edge.ratelimit.RateLimiter;
import com.interviewroom.edge.web.AccessLog;
import com.interviewroom.edge.web.SessionProblems;
import com.interviewroom.edge.webapp.StripeJsPolicy;
import com.interviewroom.edge.webapp.WebAppAssets;
import com.interviewroom.edge.webapp.WebAppRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The public REST listener: {@code /api/**}, health, JWKS. */
public final class EdgeVerticle extends VerticleBase {
  /** Large enough for a 50 KB code snapshot in JSON; every route shares this cap. */
  public static final long BODY_LIMIT_BYTES = 128 * 1024;

  private final EdgeContext app;
  private final Consumer<HttpServer> extension;
  private HttpServer server;
  private Router router;

  public EdgeVerticle(EdgeContext app) {
    this(app, server -> {});
  }

  /**
   * {@code extension} attaches more to the same public server before it listens: with {@code
   * ROLE=all} the realtime gateway's WebSocket handlers share port {@code PORT}.
   */
  public EdgeVerticle(EdgeContext app, Consumer<HttpServer> extension) {
    this.app = app;
    this.extension = extension;
  }

  @Override
  public Future<?> start() {
    // the web app's files are read from the classpath once per JVM, off the event loop
    return vertx.executeBlocking(WebAppAssets::shared).compose(this::listen);
  }

  private Future<HttpServer> listen(WebAppAssets webApp) {
    router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.route().handler(new AccessLog());
    // Stripe events can be larger than any client request; the first BodyHandler a request meets is
    // the one that reads it.
    router
        .post(PaymentRoutes.WEBHOOK_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(PaymentRoutes.WEBHOOK_BODY_LIMIT_BYTES));
    ClientErrorRoutes.mountBodyLimit(router); // browser error reports are small
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    // Agent callbacks are served on the internal listener only; here they do not exist.
    router
        .route(InternalPaths.INTERNAL_ALL)
        .handler(ctx -> ctx.fail(Problems.notFound("No such resource.")));

    ModelCatalog models = new ModelCatalog(vertx, app.config().providers());
    models.warnUnavailable(); // a start-up warning naming an unknown or retired model; readiness
    // names it too
    new HealthRoutes(vertx, app.config(), readinessProbes(), models).mount(router);
    // /metrics is served on the internal listener only (InternalVerticle): it tells an attacker too
    // much
    router
        .get("/.well-known/jwks.json")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "public, max-age=300")
                    .end(new JsonObject(app.signingKey().publicJwks().toJSONObject()).encode()));

    RateLimiter limits = new RateLimiter(app.redis(), app.registry());
    ClientIp clientIp = new ClientIp(app.config().auth().accounts().clientIpHeader());
    AuthService accounts =
        new AuthService(
            vertx,
            app.db(),
            app.issuer(),
            limits,
            app.config().auth().accounts(),
            app.config().retention().accountRestoreDays());
    SignInProviders signInProviders = SignInProviders.of(vertx, app.config().signIn(), app.clock());
    IdentityAccounts identities =
        new IdentityAccounts(
            app.db(),
            accounts,
            new PendingLinks(app.redis()),
            app.config().retention().accountRestoreDays());
    AuthRoutes authRoutes =
        new AuthRoutes(
            accounts,
            clientIp,
            app.config().http().publicBaseUrl(),
            app.config().retention(),
            identities,
            signInProviders.names(),
            app.config().recording());
    authRoutes.mount(router);
    new OAuthRoutes(
            signInProviders,
            app.redis(),
            identities,
            limits,
            clientIp,
            app.config().http().publicBaseUrl(),
            app.config().auth().accounts().loginPerIpPerMinute())
        .mount(router);
    TokenRevocations revocations = TokenRevocations.of(vertx, app.redis(), app.clock());
    BearerAuth auth = new BearerAuth(app.verifier(), app.issuer().issuer(), accounts, revocations);
    ApiRoutes.mount(router, app, auth, vertx, limits, clientIp, revocations, authRoutes);

    // The candidate web app, after every API route: API paths never fall through to it.
    // the replay fetches recording chunks from presigned URLs on the store's browser-facing address
    String storeForBrowsers =
        app.config().recording().publicEndpoint() != null
            ? app.config().recording().publicEndpoint()
            : app.config().s3().endpoint();
    new WebAppRoutes(
            webApp,
            app.config().http().publicBaseUrl(),
            StripeJsPolicy.of(app.config()),
            storeForBrowsers)
        .mount(router);
    router.route().last().handler(ctx -> ctx.fail(Problems.notFound("No such resource.")));
    router.route().failureHandler(new ProblemHandler(SessionProblems::of));

    HttpServer created =
        HttpGuard.publicServer(vertx, app.config().http().port(), app.config().resilience());
    created.requestHandler(router);
    extension.accept(created);
    return created.listen().onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }

  /**
   * The mounted routes, so a test can hold them against the OpenAPI document (null before start).
   */
  public Router router() {
    return router;
  }

  private List<Dependency> readinessProbes() {
    List<Dependency> probes = new ArrayList<>();
    probes.add(new Dependency("postgres", true, () -> app.db().ping()));
    probes.add(new Dependency("redis", true, () -> app.redis().send(Request.cmd(Command.PING))));
    if (app.store() != null) {
      probes.add(new Dependency("s3", false, () -> app.store().check()));
    }
    if (app.config().sandbox().url() != null) {
      probes.add(
          new Dependency(
              "sandbox",
              false,
              com.interviewroom.edge.sandbox.SandboxClient.of(vertx, app.config().sandbox())
                  ::health));
    }
    return probes;
  }
}
