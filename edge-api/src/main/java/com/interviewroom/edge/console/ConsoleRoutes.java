package com.interviewroom.edge.console;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.admin.AdminAccess;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.JsonInput;
import com.interviewroom.edge.web.NoInput;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.console.ApiKeyStore;
import com.interviewroom.schema.console.ConsoleReadRepository;
import com.interviewroom.schema.console.ConsoleSettingsStore;
import com.interviewroom.schema.console.FailureStatusStore;
import com.interviewroom.schema.console.SavedViewStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;

/**
 * The operator console's API (docs/api.md, "Operator console"): sessions with health and failures,
 * the failure workflow, alert settings, saved views and API keys. Every route needs the admin role
 * ({@link AdminAccess}); an API key reaches only {@link AnalyticsRoutes}.
 */
public final class ConsoleRoutes {
  public static final String BASE = "/api/admin";

  private final ConsoleReadRepository reads;
  private final FailureStatusStore workflow;
  private final ConsoleSettingsStore settings;
  private final SavedViewStore views;
  private final ApiKeyStore keys;
  private final ApiKeyAuth apiKeys;
  private final boolean production;

  public ConsoleRoutes(Database db, Config config) {
    this(db, config, io.vertx.ext.web.RoutingContext::next);
  }

  /** {@code perKeyLimit}: the rate limit of requests made with an API key (counted per key). */
  public ConsoleRoutes(
      Database db, Config config, io.vertx.core.Handler<RoutingContext> perKeyLimit) {
    this.reads = new ConsoleReadRepository(db);
    this.workflow = new FailureStatusStore(db);
    this.settings = new ConsoleSettingsStore(db);
    this.views = new SavedViewStore(db);
    this.keys = new ApiKeyStore(db);
    this.apiKeys = new ApiKeyAuth(keys, ApiKeyAuth.pepper(config)).limitedBy(perKeyLimit);
    this.production = config.production();
  }

  public void mount(Router router, AdminAccess admin) {
    // an API key is checked on every admin route before anything else (see ApiKeyAuth)
    router.route(BASE + "/*").handler(apiKeys);
    new AnalyticsRoutes(reads).mount(router, admin);
    admin.route(router.get(BASE + "/sessions")).respond(this::sessions);
    admin.route(router.get(BASE + "/sessions/:id")).respond(this::session);
    admin.route(router.patch(BASE + "/failures/:id")).respond(this::setFailureStatus);
    admin
        .route(router.get(BASE + "/settings"))
        .respond(
            ctx -> {
              NoInput.check(ctx);
              return settings.read();
            });
    admin.route(router.put(BASE + "/settings")).respond(this::writeSettings);
    admin
        .route(router.get(BASE + "/saved-views"))
        .respond(
            ctx -> {
              NoInput.check(ctx);
              return views.list(operator(ctx)).map(list -> new JsonObject().put("items", list));
            });
    admin.route(router.post(BASE + "/saved-views")).respond(this::createView);
    admin.route(router.put(BASE + "/saved-views/:id")).respond(this::replaceView);
    admin.route(router.delete(BASE + "/saved-views/:id")).respond(this::deleteView);
    admin
        .route(router.get(BASE + "/api-keys"))
        .respond(
            ctx -> {
              NoInput.check(ctx);
              return keys.list().map(list -> new JsonObject().put("items", list));
            });
    admin.route(router.post(BASE + "/api-keys")).respond(this::createKey);
    admin.route(router.delete(BASE + "/api-keys/:id")).respond(this::revokeKey);
  }

  private static UUID operator(RoutingContext ctx) {
    return BearerAuth.user(ctx).id();
  }

  private Future<JsonObject> sessions(RoutingContext ctx) {
    return reads.sessions(
        ConsoleInput.of(ctx.queryParams()).sessionFilter(Duration.ofDays(30), 50));
  }

  private Future<JsonObject> session(RoutingContext ctx) {
    NoInput.check(ctx);
    UUID id = uuid(ctx.pathParam("id"));
    return reads
        .session(id)
        .compose(
            found ->
                found == null
                    ? Future.failedFuture(Problems.notFound("No such session."))
                    : Future.succeededFuture(found));
  }

  private Future<JsonObject> setFailureStatus(RoutingContext ctx) {
    long id = failureId(ctx.pathParam("id"));
    JsonInput in = JsonInput.of(ctx);
    String status = in.oneOf("status", FailureStatusStore.STATUSES, true);
    in.finish();
    return workflow
        .setStatus(id, status, operator(ctx))
        .compose(
            found ->
                found == null
                    ? Future.failedFuture(Problems.notFound("No such failure."))
                    : Future.succeededFuture(found));
  }

  private Future<JsonObject> writeSettings(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    boolean hasUrl = in.has("slackWebhookUrl");
    String url = in.optionalString("slackWebhookUrl", 1, 500);
    Long percent = in.requiredLong("failureRatePercent", 1, 100);
    Long healthBelow = in.requiredLong("healthBelow", 1, 100);
    in.finish();
    String checked = url == null ? null : SlackWebhookUrl.check(url, production);
    // absent: keep the stored webhook; null: remove it; a string: replace it
    return settings.write(
        checked,
        !hasUrl,
        BigDecimal.valueOf(percent).movePointLeft(2),
        healthBelow.intValue(),
        operator(ctx));
  }

  private Future<JsonObject> createView(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String name = in.string("name", 1, 80);
    JsonObject filters = in.optionalObject("filters");
    if (filters == null && !in.has("filters")) {
      in.error("filters", "is required");
    } else if (filters == null) {
      in.error("filters", "must be an object");
    }
    in.finish();
    JsonObject checked = ConsoleInput.normalized(filters);
    return views
        .create(operator(ctx), name.strip(), checked)
        .map(
            saved -> {
              ctx.response().setStatusCode(saved.created() ? 201 : 200);
              return saved.view();
            });
  }

  private Future<JsonObject> replaceView(RoutingContext ctx) {
    UUID id = uuid(ctx.pathParam("id"));
    JsonInput in = JsonInput.of(ctx);
    String name = in.string("name", 1, 80);
    JsonObject filters = in.optionalObject("filters");
    if (filters == null && !in.has("filters")) {
      in.error("filters", "is required");
    } else if (filters == null) {
      in.error("filters", "must be an object");
    }
    in.finish();
    JsonObject checked = ConsoleInput.normalized(filters);
    return views
        .replace(operator(ctx), id, name.strip(), checked)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? Problems.conflict(
                            "name_taken", "Another of your saved views has this name.")
                        : err))
        .compose(
            found ->
                found == null
                    ? Future.failedFuture(Problems.notFound("No such saved view."))
                    : Future.succeededFuture(found));
  }

  private Future<Void> deleteView(RoutingContext ctx) {
    NoInput.check(ctx);
    UUID id = uuid(ctx.pathParam("id"));
    // a view already gone is deleted all the same: a retried DELETE answers what the first did
    return views.delete(operator(ctx), id).onSuccess(v -> ctx.response().setStatusCode(204));
  }

  private Future<JsonObject> createKey(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String name = in.string("name", 1, 80);
    in.finish();
    ApiKeyAuth.Minted minted = apiKeys.mint();
    return keys.insert(minted.prefix(), minted.hash(), name.strip(), operator(ctx))
        .map(
            stored -> {
              ctx.response().setStatusCode(201).putHeader("Cache-Control", "no-store");
              return ApiKeyAuth.created(minted, stored);
            });
  }

  private Future<JsonObject> revokeKey(RoutingContext ctx) {
    NoInput.check(ctx);
    return keys.revoke(uuid(ctx.pathParam("id")))
        .compose(
            found ->
                found == null
                    ? Future.failedFuture(Problems.notFound("No such API key."))
                    : Future.succeededFuture(found));
  }

  private static UUID uuid(String text) {
    try {
      if (text != null && text.length() == 36) {
        return UUID.fromString(text);
      }
    } catch (IllegalArgumentException ignored) {
      // a 404 below, as for any unknown id
    }
    throw Problems.notFound("No such resource.");
  }

  private static long failureId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw Problems.notFound("No such failure.");
  }

  static JsonArray none() {
    return new JsonArray();
  }
}
