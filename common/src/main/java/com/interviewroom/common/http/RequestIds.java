package com.interviewroom.common.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request a {@code requestId}: the caller's {@code X-Request-Id} when it is a sane
 * token, otherwise a fresh one. It is echoed back, put in the context for logs and errors.
 */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-Id";
  public static final String KEY = "requestId";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public void handle(RoutingContext ctx) {
    String id = accept(ctx.request().getHeader(HEADER));
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The given id when safe to echo and log, otherwise a new random one. */
  public static String accept(String candidate) {
    return candidate != null && SAFE.matcher(candidate).matches() ? candidate : newId();
  }

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : "unknown";
  }
}
