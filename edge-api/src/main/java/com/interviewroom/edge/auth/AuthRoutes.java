package com.interviewroom.edge.auth;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.edge.ratelimit.ClientIp;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.JsonInput;
import com.interviewroom.edge.web.NoInput;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/auth/signup}, {@code /login}, {@code /refresh}, {@code /logout}, {@code
 * /logout-all} (the one with a bearer token: {@link #mountSignedIn}) and {@code GET /api/legal}. A
 * login may carry {@code linkToken} to link a provider identity waiting for this password ({@link
 * IdentityAccounts}). Sign-up, login and refresh answer {@code {accessToken, expiresIn, tokenType,
 * user}} and set the refresh cookie ({@link #COOKIE}: HttpOnly, SameSite=Strict, path {@link
 * #COOKIE_PATH}, Secure when the request came over HTTPS); refresh and logout read it.
 *
 * <p>Every one of the five POSTs refuses a request whose {@code Origin} header is present and is
 * not our own origin (403 {@code origin_refused}). Refresh and logout act on the cookie:
 * SameSite=Strict already keeps it off cross-site requests, this refuses the rest (a same-site
 * sibling, a misconfigured proxy). Sign-up and login set the cookie: a cross-site form posting a
 * JSON-looking {@code text/plain} body must not sign a visitor into someone else's account (login
 * CSRF).
 */
public final class AuthRoutes {
  public static final String COOKIE = "ir_refresh";
  public static final String COOKIE_PATH = "/api/auth";

  private final AuthService service;
  private final ClientIp clientIp;
  private final String publicOrigin;
  private final Config.Retention retention;
  private final IdentityAccounts identities;
  private final List<String> signInProviders;
  private final Config.Recording recording;

  /**
   * {@code retention}: the data-lifecycle windows {@code GET /api/legal} states for the privacy
   * page.
   */
  public AuthRoutes(
      AuthService service, ClientIp clientIp, String publicBaseUrl, Config.Retention retention) {
    this(service, clientIp, publicBaseUrl, retention, null, List.of(), Config.Recording.DEFAULTS);
  }

  /**
   * {@code recording}: whether interviews are recorded and raw audio's window, stated by {@code GET
   * /api/legal} too.
   */
  public AuthRoutes(
      AuthService service,
      ClientIp clientIp,
      String publicBaseUrl,
      Config.Retention retention,
      Config.Recording recording) {
    this(service, clientIp, publicBaseUrl, retention, null, List.of(), recording);
  }

  public AuthRoutes(
      AuthService service,
      ClientIp clientIp,
      String publicBaseUrl,
      Config.Retention retention,
      IdentityAccounts identities,
      List<String> signInProviders) {
    this(
        service,
        clientIp,
        publicBaseUrl,
        retention,
        identities,
        signInProviders,
        Config.Recording.DEFAULTS);
  }

  /**
   * {@code identities}: provider sign-in accounts, for a login that links a waiting identity
   * ({@code linkToken}); {@code signInProviders}: the configured providers {@code GET /api/legal}
   * lists.
   */
  public AuthRoutes(
      AuthService service,
      ClientIp clientIp,
      String publicBaseUrl,
      Config.Retention retention,
      IdentityAccounts identities,
      List<String> signInProviders,
      Config.Recording recording) {
    this.retention = retention;
    this.identities = identities;
    this.signInProviders = List.copyOf(signInProviders);
    this.recording = recording;
    this.service = service;
    this.clientIp = clientIp;
    this.publicOrigin = origin(URI.create(publicBaseUrl));
  }

  public void mount(Router router) {
    router.get("/api/legal").respond(this::legal);
    router.post("/api/auth/signup").respond(this::signup);
    router.post("/api/auth/login").respond(this::login);
    router.post("/api/auth/refresh").respond(this::refresh);
    router.post("/api/auth/logout").respond(this::logout);
  }

  /**
   * The routes that need the caller's bearer token, behind the authenticated chain built in {@code
   * ApiRoutes}.
   */
  public void mountSignedIn(
      Router router, Authenticated authenticated, TokenRevocations revocations) {
    authenticated
        .route(router.post("/api/auth/logout-all"))
        .respond(ctx -> logoutAll(ctx, revocations));
  }

  private Future<JsonObject> legal(RoutingContext ctx) {
    NoInput.check(ctx);
    ctx.response().putHeader("Cache-Control", "public, max-age=300");
    return Future.succeededFuture(
        new JsonObject()
            .put("termsVersion", Legal.TERMS_VERSION)
            .put("privacyVersion", Legal.PRIVACY_VERSION)
            .put("retentionDays", retention.days())
            .put("accountRestoreDays", retention.accountRestoreDays())
            .put("signInProviders", new JsonArray(signInProviders))
            .put("recordingEnabled", recording.enabled())
            .put("recordingRetentionDays", recording.retentionDays()));
  }

  private Future<JsonObject> signup(RoutingContext ctx) {
    checkOrigin(ctx);
    JsonInput in = JsonInput.of(ctx);
    String email = in.email("email");
    String password = in.string("password", 8, 128);
    String termsVersion = in.optionalString("termsVersion", 1, 50);
    in.finish();
    ctx.response().putHeader("Cache-Control", "no-store");
    return service
        .signup(email, password, termsVersion, clientIp.of(ctx), RequestIds.of(ctx))
        .map(
            signIn -> {
              ctx.response().setStatusCode(201);
              return answer(ctx, signIn);
            });
  }

  private Future<JsonObject> login(RoutingContext ctx) {
    checkOrigin(ctx);
    JsonInput in = JsonInput.of(ctx);
    String email = in.string("email", 1, 320);
    String password = in.string("password", 1, 128);
    String linkToken = in.optionalString("linkToken", 1, 64);
    in.finish();
    ctx.response().putHeader("Cache-Control", "no-store");
    if (linkToken != null) {
      if (identities == null || !PendingLinks.TOKEN.matcher(linkToken).matches()) {
        return Future.failedFuture(
            Problems.badRequest(
                "link_invalid",
                "This link to your sign-in provider is not valid. Log in without it."));
      }
      return identities
          .loginAndLink(email, password, clientIp.of(ctx), linkToken, RequestIds.of(ctx))
          .map(signIn -> answer(ctx, signIn));
    }
    return service.login(email, password, clientIp.of(ctx)).map(signIn -> answer(ctx, signIn));
  }

  private Future<JsonObject> refresh(RoutingContext ctx) {
    NoInput.check(ctx);
    checkOrigin(ctx);
    ctx.response().putHeader("Cache-Control", "no-store");
    return service
        .refresh(cookieValue(ctx))
        .map(signIn -> answer(ctx, signIn))
        .onFailure(
            failure -> {
              if (failure instanceof ApiException api && "refresh_invalid".equals(api.code())) {
                ctx.response().addCookie(cookie(ctx, "", 0));
              }
            });
  }

  private Future<Void> logout(RoutingContext ctx) {
    NoInput.check(ctx);
    checkOrigin(ctx);
    ctx.response().putHeader("Cache-Control", "no-store");
    return service
        .logout(cookieValue(ctx))
        .onSuccess(
            done -> {
              ctx.response().addCookie(cookie(ctx, "", 0));
              // respond() ends an empty result with no body, keeping this status
              ctx.response().setStatusCode(204);
            });
  }

  /**
   * Every refresh family of the caller and every access token issued to them until now; this
   * browser's cookie is cleared too.
   */
  private Future<Void> logoutAll(RoutingContext ctx, TokenRevocations revocations) {
    NoInput.check(ctx);
    checkOrigin(ctx);
    ctx.response().putHeader("Cache-Control", "no-store");
    return service
        .logoutAll(BearerAuth.user(ctx).id(), revocations)
        .onSuccess(
            done -> {
              ctx.response().addCookie(cookie(ctx, "", 0));
              ctx.response().setStatusCode(204);
            });
  }

  private JsonObject answer(RoutingContext ctx, AuthService.SignIn signIn) {
    if (signIn.refreshToken() != null) {
      ctx.response()
          .addCookie(cookie(ctx, signIn.refreshToken(), service.refreshTtl().toSeconds()));
    }
    return signIn.body();
  }

  /**
   * The refresh cookie of a sign-in that does not answer JSON (a provider's callback, which
   * redirects).
   */
  public static void setRefreshCookie(
      RoutingContext ctx, String refreshToken, java.time.Duration ttl) {
    ctx.response().addCookie(cookie(ctx, refreshToken, ttl.toSeconds()));
  }

  private static String cookieValue(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie == null ? null : cookie.getValue();
  }

  private static Cookie cookie(RoutingContext ctx, String value, long maxAgeSeconds) {
    return Cookie.cookie(COOKIE, value)
        .setPath(COOKIE_PATH)
        .setMaxAge(maxAgeSeconds)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(overHttps(ctx));
  }

  /** TLS here, or a proxy in front saying the browser used HTTPS. */
  public static boolean overHttps(RoutingContext ctx) {
    String forwarded = ctx.request().getHeader("X-Forwarded-Proto");
    return ctx.request().isSSL()
        || (forwarded != null && "https".equalsIgnoreCase(forwarded.split(",")[0].strip()));
  }

  private void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null) {
      return;
    }
    // the authority is the Host header (HTTP/1.1) or :authority (HTTP/2)
    HostAndPort authority = ctx.request().authority();
    String own =
        authority == null
            ? null
            : (overHttps(ctx) ? "https://" : "http://")
                + authority.host().toLowerCase(Locale.ROOT)
                + (authority.port() > 0 ? ":" + authority.port() : "");
    String sent = origin.strip().toLowerCase(Locale.ROOT);
    if (!sent.equals(publicOrigin) && !sent.equals(own)) {
      throw new ApiException(
          403, "origin_refused", "Forbidden", "This request must come from the site's own pages.");
    }
  }

  /** scheme://host[:port] as a browser writes it in {@code Origin} (default ports left out). */
  static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || ("http".equals(scheme) && port == 80)
            || ("https".equals(scheme) && port == 443);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }
}
