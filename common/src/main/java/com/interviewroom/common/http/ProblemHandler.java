package com.interviewroom.common.http;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The one failure handler: every error body in the system is written here, as RFC 9457
 * problem+json {@code {type, title, status, detail, code, requestId}}.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  public static final String CONTENT_TYPE = "application/problem+json";

  @Override
  public void handle(RoutingContext ctx) {
    ApiException problem = toProblem(ctx.failure(), ctx.statusCode());
    if (problem.status() >= 500) {
      log.error("request failed {} {} {}", kv("requestId", RequestIds.of(ctx)), kv("path", ctx.normalizedPath()),
          kv("status", problem.status()), ctx.failure());
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    write(ctx, problem);
  }

  public static void write(RoutingContext ctx, ApiException problem) {
    JsonObject body = body(problem, RequestIds.of(ctx));
    var response = ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", CONTENT_TYPE);
    if (problem.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", String.valueOf(problem.retryAfterSeconds()));
    }
    response.end(body.encode());
  }

  public static JsonObject body(ApiException problem, String requestId) {
    JsonObject body = new JsonObject()
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

  private static ApiException fromStatus(int status) {
    return switch (status) {
      case 400 -> Problems.badRequest("bad_request", "The request could not be understood.");
      case 401 -> Problems.unauthorized("Authentication is required.");
      case 403 -> Problems.forbidden("You may not do this.");
      case 404 -> Problems.notFound("No such resource.");
      case 405 -> new ApiException(405, "method_not_allowed", "Method Not Allowed", "This method is not allowed here.");
      case 413 -> Problems.payloadTooLarge("The request body is too large.");
      case 415 -> new ApiException(415, "unsupported_media_type", "Unsupported Media Type", "Send application/json.");
      default -> status >= 400 && status < 500
          ? new ApiException(status, "client_error", "Client Error", "The request was refused.")
          : Problems.internal();
    };
  }
}
