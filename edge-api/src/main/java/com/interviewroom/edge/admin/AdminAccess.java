package com.interviewroom.edge.admin;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.admin.AdminRepository;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The gate of every {@code /api/admin/*} route: the authenticated chain (bearer token, rate limit),
 * then the admin role ({@link AdminRepository}): no token is 401, a signed-in non-admin 403. The
 * role is read from the database on each request, so a revoke takes effect at once; it is granted
 * only by {@code ADMIN_EMAILS} or the {@code admin} command on the jar, never through the API.
 */
public final class AdminAccess {
  private final Authenticated authenticated;
  private final Database db;
  private final Set<String> adminEmails;

  public AdminAccess(Authenticated authenticated, Database db, Set<String> adminEmails) {
    this.authenticated = authenticated;
    this.db = db;
    this.adminEmails = adminEmails;
  }

  /**
   * Wraps an admin route: authenticated chain, then the role check, then the route's own handler.
   */
  public Route route(Route route) {
    return authenticated.route(route).handler(this::requireAdmin);
  }

  private void requireAdmin(RoutingContext ctx) {
    AdminRepository.isAdmin(db, BearerAuth.user(ctx).id(), adminEmails)
        .onSuccess(
            admin -> {
              if (admin) {
                ctx.next();
              } else {
                ctx.fail(
                    Problems.forbidden("This route is for operators: it needs the admin role."));
              }
            })
        .onFailure(ctx::fail);
  }
}
