package com.interviewroom.edge.web;

import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.http.Problems;
import io.vertx.ext.web.RoutingContext;

/**
 * Where {@code BearerAuth} keeps a request's verified caller. Here, not in the auth package, so
 * what auth itself uses (the rate limiter keys its limits by caller) can read it without a cycle.
 */
public final class RequestUser {
  private static final String KEY = "authUser";

  private RequestUser() {}

  public static void set(RoutingContext ctx, AuthUser user) {
    ctx.put(KEY, user);
  }

  /** The caller; 401 when the request carries none. */
  public static AuthUser of(RoutingContext ctx) {
    AuthUser user = ctx.get(KEY);
    if (user == null) {
      throw Problems.unauthorized("A bearer token is required.");
    }
    return user;
  }

  /** The caller, or null when anonymous. */
  public static AuthUser orNull(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
