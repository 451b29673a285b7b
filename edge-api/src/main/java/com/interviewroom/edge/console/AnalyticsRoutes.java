package com.interviewroom.edge.console;

import com.interviewroom.edge.admin.AdminAccess;
import com.interviewroom.schema.console.ConsoleReadRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.function.Function;

/**
 * {@code GET /api/admin/analytics/*}: the summary, failure trends and patterns. Operators reach
 * them with the admin role, machines with an API key ({@link ApiKeyAuth} marks such a request; it
 * is answered here, before the admin chain that only knows user tokens).
 */
public final class AnalyticsRoutes {
  public static final String PREFIX = "/api/admin/analytics/";
  static final String SUMMARY = PREFIX + "summary";
  static final String TRENDS = PREFIX + "failures/trends";
  static final String PATTERNS = PREFIX + "patterns";

  private final ConsoleReadRepository reads;

  public AnalyticsRoutes(ConsoleReadRepository reads) {
    this.reads = reads;
  }

  public void mount(Router router, AdminAccess admin) {
    both(router, admin, SUMMARY, this::summary);
    both(router, admin, TRENDS, this::trends);
    both(router, admin, PATTERNS, this::patterns);
  }

  /** The API-key route first (it passes user requests on), then the operators' one. */
  private static void both(
      Router router,
      AdminAccess admin,
      String path,
      Function<RoutingContext, Future<JsonObject>> read) {
    router
        .get(path)
        .handler(
            ctx -> {
              if (ctx.get(ApiKeyAuth.KEY_ID) == null) {
                ctx.next();
                return;
              }
              Future<JsonObject> answer;
              try {
                answer = read.apply(ctx);
              } catch (RuntimeException e) {
                ctx.fail(e);
                return;
              }
              answer.onSuccess(ctx::json).onFailure(ctx::fail);
            });
    admin.route(router.get(path)).respond(read);
  }

  private Future<JsonObject> summary(RoutingContext ctx) {
    ConsoleInput in = ConsoleInput.of(ctx.queryParams());
    OffsetDateTime[] range = in.range(Duration.ofDays(7));
    in.finish();
    return reads.summary(range[0], range[1]);
  }

  private Future<JsonObject> trends(RoutingContext ctx) {
    ConsoleInput in = ConsoleInput.of(ctx.queryParams());
    OffsetDateTime[] range = in.range(Duration.ofDays(30));
    in.finish();
    return reads.trends(range[0], range[1]);
  }

  private Future<JsonObject> patterns(RoutingContext ctx) {
    ConsoleInput in = ConsoleInput.of(ctx.queryParams());
    OffsetDateTime[] range = in.range(Duration.ofDays(30));
    int top = in.integer("top", 1, 20, 5);
    in.finish();
    return reads.patterns(range[0], range[1], top);
  }
}
