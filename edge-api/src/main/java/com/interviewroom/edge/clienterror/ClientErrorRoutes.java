package com.interviewroom.edge.clienterror;

import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.edge.ratelimit.ClientIp;
import com.interviewroom.edge.ratelimit.RateLimiter;
import com.interviewroom.edge.web.JsonInput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/client-errors}: the web app's own failures ({@code window.onerror}, {@code
 * unhandledrejection}) forwarded to error tracking with {@code source=web}. Public (a page fails
 * before sign-in too), so it is small and guarded: a body of at most {@link #BODY_LIMIT_BYTES}, a
 * per-IP rate limit, fields capped, and everything scrubbed by {@link ErrorReports#reportClient}
 * before it leaves. Answers 202 with no body: the report is handed to the error tracker, which
 * sends it when it can (or dropped when tracking is off).
 */
public final class ClientErrorRoutes {
  public static final String PATH = "/api/client-errors";
  public static final int BODY_LIMIT_BYTES = 8 * 1024;

  private final RateLimiter limits;
  private final ClientIp clientIp;
  private final RateLimiter.Limit perIp;
  private final Counter received;

  public ClientErrorRoutes(
      RateLimiter limits, ClientIp clientIp, int perIpPerMinute, MeterRegistry registry) {
    this.limits = limits;
    this.clientIp = clientIp;
    this.perIp = new RateLimiter.Limit("client-errors-ip", perIpPerMinute, Duration.ofMinutes(1));
    this.received =
        Counter.builder("interviewroom.client.errors")
            .description("Errors the web client reported about itself (POST /api/client-errors)")
            .register(registry);
  }

  /**
   * The body limit must come before the general {@code /api/*} one: the first BodyHandler a request
   * meets reads it.
   */
  public static void mountBodyLimit(Router router) {
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
  }

  public void mount(Router router) {
    router.post(PATH).handler(limits.limit(perIp, clientIp::of)).handler(this::report);
  }

  private void report(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String kind = in.oneOf("kind", List.of("error", "unhandledrejection"), true);
    String name = in.optionalString("name", 1, 100);
    String message = in.string("message", 1, 2_000);
    String stack = in.optionalString("stack", 1, 6_000);
    String page = in.optionalString("page", 1, 2_000);
    in.finish();
    received.increment();
    ErrorReports.reportClient(new ErrorReports.ClientError(kind, name, message, stack, page));
    ctx.response().setStatusCode(202).end();
  }
}
