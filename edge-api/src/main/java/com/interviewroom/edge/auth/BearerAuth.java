package com.interviewroom.edge.auth;

import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.auth.Audiences;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Requires {@code Authorization: Bearer <access token>} and puts the {@link AuthUser} in the context. */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String USER = "authUser";
  private final TokenVerifier verifier;
  private final String localIssuer;
  private final AuthService accounts;
  /** External users already given a row in this process; the insert is idempotent anyway. */
  private final Set<UUID> provisioned = ConcurrentHashMap.newKeySet();

  public BearerAuth(TokenVerifier verifier, String localIssuer, AuthService accounts) {
    this.verifier = verifier;
    this.localIssuer = localIssuer;
    this.accounts = accounts;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(Problems.unauthorized("A bearer token is required."));
      return;
    }
    verifier.verify(header.substring(7).trim(), Audiences.API)
        .compose(token -> provision(token.user()))
        .onSuccess(user -> {
          ctx.put(USER, user);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  private Future<AuthUser> provision(AuthUser user) {
    if (localIssuer.equals(user.issuer()) || provisioned.contains(user.id())) {
      return Future.succeededFuture(user);
    }
    return accounts.ensureExternalUser(user.id(), user.email())
        .map(done -> {
          provisioned.add(user.id());
          return user;
        });
  }

  public static AuthUser user(RoutingContext ctx) {
    AuthUser user = ctx.get(USER);
    if (user == null) {
      throw Problems.unauthorized("A bearer token is required.");
    }
    return user;
  }
}
