package com.interviewroom.edge.auth;

import com.interviewroom.common.auth.Audiences;
import com.interviewroom.common.auth.AuthUser;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.web.RequestUser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Requires {@code Authorization: Bearer <access token>} and puts the {@link AuthUser} in the
 * context. The header is read strictly: the scheme (any letter case, as HTTP allows), one space,
 * then three dot-separated base64url parts and nothing else, no padding, spaces or percent signs
 * ({@link TokenVerifier} then checks each part is canonical). A token whose user was revoked (a
 * deleted account) is refused through {@link TokenRevocations}.
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String SCHEME = "Bearer ";
  private static final Pattern TOKEN =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  private final TokenVerifier verifier;
  private final String localIssuer;
  private final AuthService accounts;
  private final TokenRevocations revocations;

  /** External users already given a row in this process; the insert is idempotent anyway. */
  private final Set<UUID> provisioned = ConcurrentHashMap.newKeySet();

  public BearerAuth(
      TokenVerifier verifier,
      String localIssuer,
      AuthService accounts,
      TokenRevocations revocations) {
    this.verifier = verifier;
    this.localIssuer = localIssuer;
    this.accounts = accounts;
    this.revocations = revocations;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      ctx.fail(Problems.unauthorized("A bearer token is required."));
      return;
    }
    authenticate(ctx, header);
  }

  /**
   * For public routes that serve anyone but know a signed-in caller: no {@code Authorization}
   * header passes anonymously; a header that is present must hold a valid token (else 401).
   */
  public Handler<RoutingContext> optional() {
    return ctx -> {
      String header = ctx.request().getHeader("Authorization");
      if (header == null) {
        ctx.next();
        return;
      }
      authenticate(ctx, header);
    };
  }

  private void authenticate(RoutingContext ctx, String header) {
    String token = tokenOf(header);
    if (token == null) {
      ctx.fail(Problems.unauthorized("The Authorization header must be exactly 'Bearer <token>'."));
      return;
    }
    verifier
        .verify(token, Audiences.API)
        .compose(
            verified ->
                revocations
                    .check(verified.userId(), verified.issuedAt())
                    .map(
                        revokedAt -> {
                          if (revokedAt > 0) {
                            // the account was deleted once: an external user signing in again needs
                            // a new row
                            provisioned.remove(verified.userId());
                          }
                          return verified;
                        }))
        .compose(verified -> provision(verified.user()))
        .onSuccess(
            user -> {
              RequestUser.set(ctx, user);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  /** The token of a well-formed {@code Bearer} header, or null. */
  static String tokenOf(String header) {
    if (header.length() <= SCHEME.length()
        || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    String token = header.substring(SCHEME.length());
    return TOKEN.matcher(token).matches() ? token : null;
  }

  private Future<AuthUser> provision(AuthUser user) {
    if (localIssuer.equals(user.issuer()) || provisioned.contains(user.id())) {
      return Future.succeededFuture(user);
    }
    return accounts
        .ensureExternalUser(user.id(), user.email())
        .map(
            done -> {
              provisioned.add(user.id());
              return user;
            });
  }

  public static AuthUser user(RoutingContext ctx) {
    return RequestUser.of(ctx);
  }

  /** The caller on a route mounted with {@link #optional()}, or null when anonymous. */
  public static AuthUser userOrNull(RoutingContext ctx) {
    return RequestUser.orNull(ctx);
  }
}
