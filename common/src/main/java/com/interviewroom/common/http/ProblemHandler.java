package com.interviewroom.common.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.common.outage.Outages;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: every error body in the system is written here, as RFC 9457 problem+json
 * {@code {type, title, status, detail, code, requestId}}.
 *
 * <p>A backing service that is down, restarting, paused or out of connections ({@link Outages}) is
 * a 503 {@code service_unavailable} with {@code Retry-After}, not a 500. During an outage every
 * request fails the same way, so the log gets one line with the stack trace per {@link
 * #LOG_INTERVAL_NANOS} and the number of failures since; other 5xx log a line per request and their
 * stack trace once per interval per exception class, and go to {@link ErrorReports} (Sentry) with
 * the request's {@code requestId}, {@code userId} and {@code sessionId}.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  public static final String CONTENT_TYPE = "application/problem+json";
  static final long LOG_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
  private static final java.util.regex.Pattern SESSION_IN_PATH =
      java.util.regex.Pattern.compile("/sessions/([0-9a-fA-F-]{36})(/|$)");
  private static final LogThrottle THROTTLE = new LogThrottle(LOG_INTERVAL_NANOS);

  private final java.util.function.Function<Throwable, ApiException> domain;

  public ProblemHandler() {
    this(failure -> null);
  }

  /**
   * @param domain maps a domain module's own exceptions (which know nothing of HTTP, such as the
   *     session model's) onto their problem; null for any other failure
   */
  public ProblemHandler(java.util.function.Function<Throwable, ApiException> domain) {
    this.domain = domain;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiException mapped = failure == null ? null : domain.apply(failure);
    ApiException problem = mapped != null ? mapped : toProblem(failure, ctx.statusCode());
    if (problem.status() >= 500) {
      logFailure(ctx, problem, failure);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    write(ctx, problem);
  }

  private static void logFailure(RoutingContext ctx, ApiException problem, Throwable failure) {
    boolean outage =
        failure != null && !(failure instanceof ApiException) && Outages.isOutage(failure);
    String key = outage ? "outage" : failure == null ? "none" : failure.getClass().getName();
    long suppressed = THROTTLE.permit(key);
    if (outage) {
      if (suppressed >= 0) {
        log.warn(
            "backing service unavailable, answering 503 {} {} {}",
            kv("requestId", RequestIds.of(ctx)),
            kv("path", ctx.normalizedPath()),
            kv("failuresSinceLastLog", suppressed),
            failure);
      }
      return;
    }
    ErrorReports.report(failure, reportTags(ctx));
    if (suppressed >= 0) {
      log.error(
          "request failed {} {} {}",
          kv("requestId", RequestIds.of(ctx)),
          kv("path", ctx.normalizedPath()),
          kv("status", problem.status()),
          failure);
    } else {
      log.error(
          "request failed {} {} {} {}",
          kv("requestId", RequestIds.of(ctx)),
          kv("path", ctx.normalizedPath()),
          kv("status", problem.status()),
          kv("error", failure == null ? "none" : failure.toString()));
    }
  }

  /**
   * What {@link ErrorReports} may know of a request: its id, the caller's id, the session in the
   * path.
   */
  static java.util.Map<String, String> reportTags(RoutingContext ctx) {
    String userId =
        ctx.data().values().stream()
            .filter(Caller.class::isInstance)
            .map(user -> String.valueOf(((Caller) user).id()))
            .findFirst()
            .orElse(null);
    java.util.regex.Matcher session = SESSION_IN_PATH.matcher(ctx.normalizedPath());
    String sessionId = session.find() ? session.group(1) : null;
    return ErrorReports.tags(
        ErrorReports.REQUEST_ID,
        RequestIds.of(ctx),
        ErrorReports.USER_ID,
        userId,
        ErrorReports.SESSION_ID,
        sessionId);
  }

  public static void write(RoutingContext ctx, ApiException problem) {
    JsonObject body = body(problem, RequestIds.of(ctx));
    var response =
        ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", CONTENT_TYPE);
    if (problem.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", String.valueOf(problem.retryAfterSeconds()));
    }
    response.end(body.encode());
  }

  public static JsonObject body(ApiException problem, String requestId) {
    JsonObject body =
        new JsonObject()
            .put("type", "https://interviewroom.dev/problems/" + problem.code().replace('_', '-'))
            .put("title", problem.title())
            .put("status", problem.status())
            .put("detail", problem.detail())
            .put("code", problem.code())
            .put("requestId", requestId);
    problem.extensions().forEach(e -> body.put(e.getKey(), e.getValue()));
    return body;
  }

  /** Maps any failure (ours, Vert.x Web's, or an unexpected bug) onto a problem. */
  public static ApiException toProblem(Throwable failure, int statusCode) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure != null && Outages.isOutage(failure)) {
      return unavailable();
    }
    if (failure instanceof DecodeException) {
      return Problems.badRequest("malformed_json", "The request body is not valid JSON.");
    }
    if (failure instanceof HttpException http) {
      return fromStatus(http.getStatusCode());
    }
    if (failure == null && statusCode > 0) {
      return fromStatus(statusCode);
    }
    return Problems.internal();
  }

  /** The answer while Postgres or Redis is unavailable. */
  public static ApiException unavailable() {
    return Problems.unavailable(
        "service_unavailable",
        "A service this request needs is briefly unavailable. Nothing was changed unless a later read shows it; try again shortly.",
        Outages.RETRY_AFTER_SECONDS);
  }

  private static ApiException fromStatus(int status) {
    return switch (status) {
      case 400 -> Problems.badRequest("bad_request", "The request could not be understood.");
      case 401 -> Problems.unauthorized("Authentication is required.");
      case 403 -> Problems.forbidden("You may not do this.");
      case 404 -> Problems.notFound("No such resource.");
      case 405 ->
          new ApiException(
              405, "method_not_allowed", "Method Not Allowed", "This method is not allowed here.");
      case 413 -> Problems.payloadTooLarge("The request body is too large.");
      case 415 ->
          new ApiException(
              415, "unsupported_media_type", "Unsupported Media Type", "Send application/json.");
      default ->
          status >= 400 && status < 500
              ? new ApiException(status, "client_error", "Client Error", "The request was refused.")
              : Problems.internal();
    };
  }
}
