package com.interviewroom.edge.auth.oauth;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.edge.auth.AuthRoutes;
import com.interviewroom.edge.auth.IdentityAccounts;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.edge.auth.SignInRefused;
import com.interviewroom.edge.ratelimit.ClientIp;
import com.interviewroom.edge.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser's side of "Continue with Google / GitHub". Both routes answer only redirects, never a
 * page or JSON of their own:
 *
 * <ul>
 *   <li>{@code GET /auth/start/{provider}?termsVersion=&next=}: a new flow (state, nonce, PKCE
 *       verifier in Redis, {@link PendingFlows}), the browser bound to it by the {@link #COOKIE}
 *       cookie (HttpOnly, SameSite=Lax so it comes back on the provider's top-level redirect, path
 *       {@code /auth}, gone after {@link PendingFlows#TTL}), then 302 to the provider.
 *   <li>{@code GET /auth/callback/{provider}?code=&state=}: the state must be known, unused, of
 *       this provider and of this browser; the code is exchanged and the identity verified; then
 *       the person is signed in as by a password login (the refresh cookie) and sent to {@code
 *       /onboarding} (new account, set-up not done) or {@code /dashboard} (or the page they came
 *       from), with {@code signin=done} so the page picks up the login. A password account with the
 *       same email goes to {@code /login?link=<token>&provider=} to prove the password first. Any
 *       failure goes to {@code /login?error=<code>} ({@link SignInRefused#CODES}).
 * </ul>
 */
public final class OAuthRoutes {
  private static final Logger log = LoggerFactory.getLogger(OAuthRoutes.class);
  public static final String START = "/auth/start/";
  public static final String CALLBACK = "/auth/callback/";
  static final String COOKIE = "ir_oauth";
  private static final int MAX_PARAM = 2048;
  private static final int MAX_NEXT = 512;

  private final SignInProviders providers;
  private final PendingFlows flows;
  private final IdentityAccounts identities;
  private final RateLimiter limits;
  private final ClientIp clientIp;
  private final String publicBaseUrl;

  /**
   * Flows one client IP may start per minute (each holds a Redis key for ten minutes): as many as
   * its logins.
   */
  private final RateLimiter.Limit startsPerIp;

  /**
   * {@code startsPerIpPerMinute}: {@code AUTH_LOGIN_PER_IP_PER_MINUTE}, a provider sign-in being a
   * login attempt.
   */
  public OAuthRoutes(
      SignInProviders providers,
      io.vertx.redis.client.Redis redis,
      IdentityAccounts identities,
      RateLimiter limits,
      ClientIp clientIp,
      String publicBaseUrl,
      int startsPerIpPerMinute) {
    this.startsPerIp =
        new RateLimiter.Limit("oauth-start-ip", startsPerIpPerMinute, Duration.ofMinutes(1));
    this.providers = providers;
    this.flows = new PendingFlows(redis);
    this.identities = identities;
    this.limits = limits;
    this.clientIp = clientIp;
    this.publicBaseUrl =
        publicBaseUrl.endsWith("/")
            ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
            : publicBaseUrl;
  }

  public void mount(Router router) {
    router.get(START + ":provider").handler(this::start);
    router.get(CALLBACK + ":provider").handler(this::callback);
  }

  private void start(RoutingContext ctx) {
    SignInProvider provider = providers.get(ctx.pathParam("provider"));
    String termsVersion = param(ctx, "termsVersion");
    String next = safeNext(param(ctx, "next"));
    Future<String> location;
    if (provider == null) {
      location =
          Future.failedFuture(
              new SignInRefused("provider_disabled", "start of an unconfigured provider"));
    } else if (termsVersion != null && Legal.outdatedTerms(termsVersion) != null) {
      location =
          Future.failedFuture(new SignInRefused("terms_outdated", "start with outdated terms"));
    } else {
      String browser = browserSecret(ctx);
      String state = Secrets.random();
      String nonce = Secrets.random();
      String verifier = Secrets.random();
      PendingFlows.Flow flow =
          new PendingFlows.Flow(
              provider.name(), verifier, nonce, Hashing.sha256Hex(browser), termsVersion, next);
      location =
          limits
              .consume(startsPerIp, clientIp.of(ctx), "sign-in attempts from this address")
              .compose(ok -> flows.save(state, flow))
              .compose(
                  saved ->
                      provider.authorizeUrl(state, nonce, verifier, redirectUri(provider.name())))
              .onSuccess(
                  url ->
                      ctx.response()
                          .addCookie(
                              Cookie.cookie(COOKIE, browser)
                                  .setPath("/auth")
                                  .setMaxAge(PendingFlows.TTL.toSeconds())
                                  .setHttpOnly(true)
                                  .setSameSite(CookieSameSite.LAX)
                                  .setSecure(AuthRoutes.overHttps(ctx))));
    }
    finish(ctx, "start", location);
  }

  private void callback(RoutingContext ctx) {
    String name = ctx.pathParam("provider");
    SignInProvider provider = providers.get(name);
    String state = param(ctx, "state");
    String code = param(ctx, "code");
    String error = param(ctx, "error");
    Future<String> location;
    if (provider == null) {
      location =
          Future.failedFuture(
              new SignInRefused("provider_disabled", "callback of an unconfigured provider"));
    } else if (state == null || !Secrets.TOKEN.matcher(state).matches()) {
      location =
          Future.failedFuture(
              new SignInRefused("state_invalid", "callback without a well-formed state"));
    } else {
      location =
          flows
              .take(state)
              .compose(
                  flow -> {
                    if (flow == null || !flow.provider().equals(provider.name())) {
                      return Future.failedFuture(
                          new SignInRefused(
                              "state_invalid",
                              "state unknown, expired, used or of another provider"));
                    }
                    Cookie cookie = ctx.request().getCookie(COOKIE);
                    if (cookie == null
                        || !Secrets.same(
                            Hashing.sha256Hex(cookie.getValue()), flow.browserHash())) {
                      return Future.failedFuture(
                          new SignInRefused("state_invalid", "state of another browser"));
                    }
                    if (error != null) {
                      // RFC 6749 §4.1.2.1: the person declined, or the provider refused the request
                      return Future.failedFuture(
                          new SignInRefused(
                              "access_denied".equals(error) ? "access_denied" : "provider_error",
                              "provider returned error " + error.replaceAll("[^a-z_]", "")));
                    }
                    if (code == null) {
                      return Future.failedFuture(
                          new SignInRefused("provider_error", "callback without a code"));
                    }
                    return provider
                        .identify(code, flow, redirectUri(provider.name()))
                        .compose(
                            identity ->
                                identities.signIn(
                                    identity,
                                    flow.termsVersion(),
                                    clientIp.of(ctx),
                                    RequestIds.of(ctx)))
                        .map(outcome -> landing(ctx, outcome, flow));
                  });
    }
    finish(ctx, "callback", location);
  }

  private String landing(
      RoutingContext ctx, IdentityAccounts.Outcome outcome, PendingFlows.Flow flow) {
    if (outcome instanceof IdentityAccounts.LinkRequired link) {
      return "/login?" + Query.of("link", link.token(), "provider", link.provider());
    }
    IdentityAccounts.SignedIn signedIn = (IdentityAccounts.SignedIn) outcome;
    AuthRoutes.setRefreshCookie(ctx, signedIn.signIn().refreshToken(), identities.refreshTtl());
    String target =
        flow.next() != null
            ? flow.next()
            : signedIn.onboardingCompleted() ? "/dashboard" : "/onboarding";
    return target + (target.contains("?") ? "&" : "?") + "signin=done";
  }

  /**
   * Redirects to {@code location}, or to {@code /login?error=<code>} when it failed; logs the
   * outcome without secrets.
   */
  private void finish(RoutingContext ctx, String step, Future<String> location) {
    String provider = ctx.pathParam("provider");
    location.onComplete(
        done -> {
          String target;
          if (done.succeeded()) {
            target = done.result();
            log.info(
                "provider sign-in {} {} {} {}",
                kv("step", step),
                kv("provider", known(provider)),
                kv("outcome", "ok"),
                kv("requestId", RequestIds.of(ctx)));
          } else {
            String code = codeOf(done.cause());
            target = "/login?" + Query.of("error", code);
            log.info(
                "provider sign-in {} {} {} {} {}",
                kv("step", step),
                kv("provider", known(provider)),
                kv("outcome", code),
                kv(
                    "reason",
                    done.cause() instanceof SignInRefused refused
                        ? refused.getMessage()
                        : done.cause().getClass().getSimpleName()),
                kv("requestId", RequestIds.of(ctx)));
          }
          if (ctx.response().ended()) {
            return;
          }
          ctx.response()
              .setStatusCode(302)
              .putHeader(HttpHeaders.LOCATION, target)
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
              // the callback's URL holds the code: the next page must not send it on as a Referer
              .putHeader("Referrer-Policy", "no-referrer")
              .end();
        });
  }

  private static String codeOf(Throwable failure) {
    if (failure instanceof SignInRefused refused) {
      return refused.code();
    }
    if (failure instanceof ApiException api && api.status() == 429) {
      return "rate_limited";
    }
    return "sign_in_failed";
  }

  private static String known(String provider) {
    return "google".equals(provider) || "github".equals(provider) ? provider : "unknown";
  }

  private String redirectUri(String provider) {
    return publicBaseUrl + CALLBACK + provider;
  }

  /**
   * The browser's binding secret: the one it already holds (two tabs, a double click), else a new
   * one.
   */
  private static String browserSecret(RoutingContext ctx) {
    Cookie existing = ctx.request().getCookie(COOKIE);
    return existing != null && Secrets.TOKEN.matcher(existing.getValue()).matches()
        ? existing.getValue()
        : Secrets.random();
  }

  /** A single query parameter of printable ASCII and bounded length, else null. */
  private static String param(RoutingContext ctx, String name) {
    java.util.List<String> values = ctx.queryParam(name);
    if (values.size() != 1) {
      return null;
    }
    String value = values.get(0);
    return value.isEmpty()
            || value.length() > MAX_PARAM
            || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)
        ? null
        : value;
  }

  /** Only a path of this site (no scheme, no other host, no fragment) is followed after sign-in. */
  static String safeNext(String next) {
    if (next == null
        || next.length() > MAX_NEXT
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.contains("#")
        || next.contains("\\")) {
      return null;
    }
    return next;
  }
}
