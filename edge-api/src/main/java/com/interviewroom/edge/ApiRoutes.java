package com.interviewroom.edge;

import com.interviewroom.edge.admin.AdminAccess;
import com.interviewroom.edge.admin.AdminCostRoutes;
import com.interviewroom.edge.admin.Costs;
import com.interviewroom.edge.auth.AuthRoutes;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.auth.TokenRevocations;
import com.interviewroom.edge.clienterror.ClientErrorRoutes;
import com.interviewroom.edge.console.ConsoleRoutes;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.edge.evaluation.EvaluationRoutes;
import com.interviewroom.edge.execution.ExecutionRoutes;
import com.interviewroom.edge.execution.ExecutionService;
import com.interviewroom.edge.openapi.OpenApiRoutes;
import com.interviewroom.edge.payment.Billing;
import com.interviewroom.edge.problem.ProblemRoutes;
import com.interviewroom.edge.problem.ProblemService;
import com.interviewroom.edge.progress.ProgressRoutes;
import com.interviewroom.edge.ratelimit.ClientIp;
import com.interviewroom.edge.ratelimit.RateLimiter;
import com.interviewroom.edge.recording.RecordingLinks;
import com.interviewroom.edge.recording.RecordingRoutes;
import com.interviewroom.edge.replay.TimelineRoutes;
import com.interviewroom.edge.sandbox.SandboxClient;
import com.interviewroom.edge.session.RealtimeTokenRoutes;
import com.interviewroom.edge.session.SessionRoutes;
import com.interviewroom.edge.session.SessionService;
import com.interviewroom.edge.user.UserRoutes;
import com.interviewroom.edge.user.UserService;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.NoInput;
import com.interviewroom.edge.web.TrackedSkill;
import com.interviewroom.schema.cost.CostReportRepository;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Mounts every {@code /api} resource; each feature package brings its own XxxRoutes.
 *
 * <p>The one place where the authenticated chain is built: every feature route wraps itself with
 * {@code authenticated.route(...)} (or {@code authenticated.strict(...)} on expensive routes), so
 * no authenticated route can miss bearer auth, the tracked-skill hashing or the general rate limit.
 * Public routes that still serve a signed-in caller better (the problem catalog) use {@code
 * authenticated.open(...)}: a token is optional, and the limit is per user or per client IP.
 */
final class ApiRoutes {
  private ApiRoutes() {}

  static void mount(
      Router router,
      EdgeContext app,
      BearerAuth auth,
      Vertx vertx,
      RateLimiter limits,
      ClientIp clientIp,
      TokenRevocations revocations,
      AuthRoutes authRoutes) {
    TrackedSkill trackedSkill = TrackedSkill.create(app.config());
    Handler<RoutingContext> perUser = limits.general();
    Handler<RoutingContext> perIp = limits.limit(RateLimiter.PUBLIC_PER_IP, clientIp::of);
    Authenticated authenticated =
        new Authenticated(
            // hashing comes first so the raw header is gone before anything else runs
            java.util.List.of(trackedSkill, auth, perUser),
            limits.strict(),
            java.util.List.of(
                trackedSkill,
                auth.optional(),
                ctx -> (BearerAuth.userOrNull(ctx) == null ? perIp : perUser).handle(ctx)));

    new OpenApiRoutes(vertx).mount(router);
    authRoutes.mountSignedIn(router, authenticated, revocations);
    authenticated
        .route(router.get("/api/me"))
        .respond(
            ctx -> {
              NoInput.check(ctx);
              return Future.succeededFuture(
                  new JsonObject()
                      .put("id", BearerAuth.user(ctx).id().toString())
                      .put("email", BearerAuth.user(ctx).email()));
            });
    RecordingLinks recordingLinks = new RecordingLinks(app.store(), app.clock());
    new UserRoutes(new UserService(app.db(), app.redis(), limits, revocations, recordingLinks))
        .mount(router, authenticated);
    new ProblemRoutes(new ProblemService(app.db())).mount(router, authenticated);
    SessionService sessions = SessionService.create(app, vertx);
    new SessionRoutes(sessions).mount(router, authenticated);
    new RealtimeTokenRoutes(sessions).mount(router, authenticated);
    Billing.mount(router, app, authenticated, vertx);
    EvaluationRoutes.mount(router, app.db(), authenticated);
    new RecordingRoutes(app.db(), recordingLinks).mount(router, authenticated);
    new TimelineRoutes(app.db()).mount(router, authenticated);
    new ProgressRoutes(app.db()).mount(router, authenticated);
    SandboxClient sandbox = SandboxClient.of(vertx, app.config().sandbox());
    new ExecutionRoutes(
            new ExecutionService(app.db(), app.redis(), sandbox, limits, Costs.ledger(app)))
        .mount(router, authenticated);
    new ClientErrorRoutes(
            limits,
            clientIp,
            app.config().operations().clientErrorsPerIpPerMinute(),
            app.registry())
        .mount(router);
    AdminAccess admin =
        new AdminAccess(authenticated, app.db(), app.config().operations().adminEmails());
    // first: its API-key check must run before any other admin route sees the request
    new ConsoleRoutes(
            app.db(),
            app.config(),
            limits.limit(
                RateLimiter.GENERAL,
                ctx -> "api-key:" + ctx.get(com.interviewroom.edge.console.ApiKeyAuth.KEY_ID)))
        .mount(router, admin);
    new AdminCostRoutes(new CostReportRepository(app.db()), app.config().operations(), app.clock())
        .mount(router, admin);
  }
}
