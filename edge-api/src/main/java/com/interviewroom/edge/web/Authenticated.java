package com.interviewroom.edge.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The handler chain every authenticated {@code /api} route runs before its own handler:
 * tracked-skill hashing, bearer authentication, the general per-user rate limit. Feature routes
 * never assemble it themselves; they wrap their routes:
 *
 * <pre>{@code
 * authenticated.route(router.get("/api/users/profile")).respond(this::profile);
 * authenticated.strict(router.post("/api/sessions/start")).respond(this::start);
 * }</pre>
 *
 * @param chain handlers run in order on every authenticated route (built in {@code ApiRoutes})
 * @param strict the stricter per-user limit added on expensive routes, after the chain
 * @param open the chain of public routes that also know a signed-in caller: a token is optional
 *     (but checked when sent), the limit is per user when signed in, else per IP
 */
public record Authenticated(
    List<Handler<RoutingContext>> chain,
    Handler<RoutingContext> strict,
    List<Handler<RoutingContext>> open) {

  /** A public route: anonymous callers pass, a sent token must be valid. */
  public Route open(Route route) {
    open.forEach(route::handler);
    return route;
  }

  public Route route(Route route) {
    chain.forEach(route::handler);
    return route;
  }

  public Route strict(Route route) {
    return route(route).handler(strict);
  }
}
