package com.interviewroom.testkit.oauth;

import static com.interviewroom.testkit.oauth.FakeGoogle.await;
import static com.interviewroom.testkit.oauth.FakeGoogle.random;
import static com.interviewroom.testkit.oauth.FakeGoogle.s256;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GitHub's OAuth app web flow and the two REST endpoints a sign-in reads, over a real socket, both
 * hosts ({@code github.com} and {@code api.github.com}) served from this one. Pinned to GitHub's
 * docs as published 2026-12:
 * https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps (authorize
 * parameters, PKCE with S256 only, the access_token exchange and its JSON / form-encoded answers),
 * https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 * (errors answered with HTTP 200 and an {@code error} field),
 * https://docs.github.com/en/rest/users/users#get-the-authenticated-user and
 * https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
 * (shapes as in github/rest-api-description {@code
 * descriptions/api.github.com/api.github.com.json}, schemas {@code private-user} and {@code email}:
 * {email, primary, verified, visibility}).
 *
 * <ul>
 *   <li>{@code GET /login/oauth/authorize}: unknown {@code client_id} is a 404 page; {@code
 *       redirect_uri} must be the registered callback (or a path under it); a {@code
 *       code_challenge} needs {@code code_challenge_method=S256}. Then 302 to {@code
 *       redirect_uri?code=&state=}, or {@code error=access_denied} after {@link #denyNext()}.
 *   <li>{@code POST /login/oauth/access_token}: JSON only for {@code Accept: application/json},
 *       form-encoded otherwise; errors {@code incorrect_client_credentials}, {@code
 *       redirect_uri_mismatch}, {@code bad_verification_code} (unknown, used, expired code, or a
 *       PKCE verifier that does not match), all with status 200.
 *   <li>{@code GET /user}, {@code GET /user/emails}: refused without {@code User-Agent} (403),
 *       without a valid token (401 {@code Bad credentials}), with an unsupported {@code
 *       X-GitHub-Api-Version} (400); {@code /user/emails} needs the {@code user:email} scope (404
 *       otherwise) and pages with {@code per_page} (default 30, at most 100) and {@code page}.
 * </ul>
 */
public final class FakeGitHub implements AutoCloseable {
  public static final String CLIENT_ID = "Ov23liFakeGitHubClient";
  public static final String CLIENT_SECRET = "0123456789abcdef0123456789abcdef01234567";
  private static final Duration CODE_TTL = Duration.ofMinutes(10);
  private static final List<String> API_VERSIONS = List.of("2022-11-28");

  public record Email(String email, boolean primary, boolean verified, String visibility) {}

  /** The person signed in at "GitHub" in the browser that reaches the authorize page. */
  public record User(long id, String login, String name, List<Email> emails) {}

  private record Grant(
      String redirectUri, String challenge, String scope, User user, Instant issued) {}

  private record Token(User user, String scope) {}

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HttpServer server;
  private final String base;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final AtomicInteger exchanges = new AtomicInteger();
  private volatile String callback;
  private volatile boolean denyNext;
  private volatile User user =
      new User(
          583231,
          "octocat",
          "The Octocat",
          List.of(new Email("octocat@example.com", true, true, "public")));

  private FakeGitHub(Vertx vertx, boolean ownsVertx) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    Router router = Router.router(vertx);
    router.get("/login/oauth/authorize").handler(this::authorize);
    router
        .post("/login/oauth/access_token")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(this::accessToken);
    router.get("/user").handler(ctx -> api(ctx, false));
    router.get("/user/emails").handler(ctx -> api(ctx, true));
    this.server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    this.base = "http://127.0.0.1:" + server.actualPort();
  }

  public static FakeGitHub start() {
    return new FakeGitHub(Vertx.vertx(), true);
  }

  public static FakeGitHub start(Vertx vertx) {
    return new FakeGitHub(vertx, false);
  }

  public String baseUrl() {
    return base;
  }

  /**
   * The environment that points the system at this fake, with its callback URL registered as the
   * app's.
   */
  public Map<String, String> env(String publicBaseUrl) {
    this.callback = publicBaseUrl + "/auth/callback/github";
    return Map.of(
        "GITHUB_CLIENT_ID",
        CLIENT_ID,
        "GITHUB_CLIENT_SECRET",
        CLIENT_SECRET,
        "GITHUB_OAUTH_URL",
        base,
        "GITHUB_API_URL",
        base);
  }

  public void signInAs(User next) {
    this.user = next;
  }

  public void denyNext() {
    this.denyNext = true;
  }

  public int exchanges() {
    return exchanges.get();
  }

  private void authorize(RoutingContext ctx) {
    MultiMap q = ctx.queryParams();
    if (!CLIENT_ID.equals(q.get("client_id"))) {
      ctx.response()
          .setStatusCode(404)
          .putHeader("Content-Type", "text/html; charset=utf-8")
          .end("<!doctype html><title>Page not found</title>");
      return;
    }
    String redirectUri = q.get("redirect_uri") == null ? callback : q.get("redirect_uri");
    if (callback == null
        || redirectUri == null
        || !(redirectUri.equals(callback) || redirectUri.startsWith(callback + "/"))) {
      // GitHub shows this on its own page rather than redirecting to an unregistered URL
      ctx.response()
          .setStatusCode(200)
          .putHeader("Content-Type", "text/html; charset=utf-8")
          .end(
              "<!doctype html><title>Redirect URI mismatch</title><p>The redirect_uri is not associated with this application.</p>");
      return;
    }
    String challenge = q.get("code_challenge");
    if (challenge != null && !"S256".equals(q.get("code_challenge_method"))) {
      redirect(
          ctx,
          redirectUri,
          "error",
          "invalid_request",
          "error_description",
          "code_challenge_method must be S256",
          "state",
          q.get("state"));
      return;
    }
    if (denyNext || user == null) {
      denyNext = false;
      redirect(
          ctx,
          redirectUri,
          "error",
          "access_denied",
          "error_description",
          "The user has denied your application access.",
          "error_uri",
          "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied",
          "state",
          q.get("state"));
      return;
    }
    String code = random(20);
    codes.put(
        code,
        new Grant(
            redirectUri,
            challenge,
            q.get("scope") == null ? "" : q.get("scope"),
            user,
            Instant.now()));
    redirect(ctx, redirectUri, "code", code, "state", q.get("state"));
  }

  private void accessToken(RoutingContext ctx) {
    exchanges.incrementAndGet();
    MultiMap params =
        MultiMap.caseInsensitiveMultiMap()
            .addAll(ctx.queryParams())
            .addAll(ctx.request().formAttributes());
    boolean json = String.valueOf(ctx.request().getHeader("Accept")).contains("application/json");
    if (!CLIENT_ID.equals(params.get("client_id"))
        || !CLIENT_SECRET.equals(params.get("client_secret"))) {
      tokenAnswer(
          ctx,
          json,
          Map.of(
              "error",
              "incorrect_client_credentials",
              "error_description",
              "The client_id and/or client_secret passed are incorrect.",
              "error_uri",
              "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials"));
      return;
    }
    String code = params.get("code");
    Grant grant = code == null ? null : codes.remove(code);
    if (grant != null
        && params.get("redirect_uri") != null
        && !grant.redirectUri().equals(params.get("redirect_uri"))) {
      tokenAnswer(
          ctx,
          json,
          Map.of(
              "error",
              "redirect_uri_mismatch",
              "error_description",
              "The redirect_uri MUST match the registered callback URL for this application.",
              "error_uri",
              "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#redirect-uri-mismatch2"));
      return;
    }
    boolean pkceFails =
        grant != null
            && grant.challenge() != null
            && (params.get("code_verifier") == null
                || !s256(params.get("code_verifier")).equals(grant.challenge()));
    if (grant == null || grant.issued().plus(CODE_TTL).isBefore(Instant.now()) || pkceFails) {
      tokenAnswer(
          ctx,
          json,
          Map.of(
              "error",
              "bad_verification_code",
              "error_description",
              "The code passed is incorrect or expired.",
              "error_uri",
              "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code"));
      return;
    }
    String token = "gho_" + random(36);
    String scope = String.join(",", List.of(grant.scope().split("[ ,]+")));
    tokens.put(token, new Token(grant.user(), scope));
    tokenAnswer(ctx, json, Map.of("access_token", token, "scope", scope, "token_type", "bearer"));
  }

  private void api(RoutingContext ctx, boolean emails) {
    String agent = ctx.request().getHeader("User-Agent");
    if (agent == null || agent.isBlank()) {
      ctx.response()
          .setStatusCode(403)
          .putHeader("Content-Type", "text/plain")
          .end(
              "Request forbidden by administrative rules. Please make sure your request has a User-Agent header "
                  + "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).");
      return;
    }
    String version = ctx.request().getHeader("X-GitHub-Api-Version");
    if (version != null && !API_VERSIONS.contains(version)) {
      apiError(
          ctx,
          400,
          "API version " + version + " is not supported.",
          "https://docs.github.com/rest/about-the-rest-api/api-versions");
      return;
    }
    String auth = ctx.request().getHeader("Authorization");
    String presented =
        auth == null
            ? null
            : auth.startsWith("Bearer ")
                ? auth.substring(7)
                : auth.startsWith("token ") ? auth.substring(6) : null;
    Token token = presented == null ? null : tokens.get(presented);
    if (token == null) {
      apiError(
          ctx,
          401,
          presented == null ? "Requires authentication" : "Bad credentials",
          "https://docs.github.com/rest");
      return;
    }
    if (!emails) {
      User u = token.user();
      Email publicEmail =
          u.emails().stream()
              .filter(e -> e.primary() && "public".equals(e.visibility()))
              .findFirst()
              .orElse(null);
      json(
          ctx,
          200,
          new JsonObject()
              .put("login", u.login())
              .put("id", u.id())
              .put("node_id", "MDQ6VXNlcj" + u.id())
              .put("avatar_url", "https://avatars.githubusercontent.com/u/" + u.id() + "?v=4")
              .put("gravatar_id", "")
              .put("url", "https://api.github.com/users/" + u.login())
              .put("html_url", "https://github.com/" + u.login())
              .put("type", "User")
              .put("site_admin", false)
              .put("name", u.name())
              .put("company", null)
              .put("blog", "")
              .put("location", null)
              .put("email", publicEmail == null ? null : publicEmail.email())
              .put("hireable", null)
              .put("bio", null)
              .put("twitter_username", null)
              .put("public_repos", 8)
              .put("public_gists", 8)
              .put("followers", 20)
              .put("following", 0)
              .put("created_at", "2011-01-25T18:44:36Z")
              .put("updated_at", "2026-11-22T10:00:00Z")
              .put("private_gists", 0)
              .put("total_private_repos", 0)
              .put("owned_private_repos", 0)
              .put("disk_usage", 10000)
              .put("collaborators", 0)
              .put("two_factor_authentication", true)
              .put(
                  "plan",
                  new JsonObject()
                      .put("name", "free")
                      .put("space", 976562499)
                      .put("private_repos", 10000)
                      .put("collaborators", 0)));
      return;
    }
    List<String> scopes = List.of(token.scope().split(","));
    if (!scopes.contains("user:email") && !scopes.contains("user")) {
      apiError(
          ctx,
          404,
          "Not Found",
          "https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user");
      return;
    }
    int perPage = Math.max(1, Math.min(100, intParam(ctx, "per_page", 30)));
    int page = Math.max(1, intParam(ctx, "page", 1));
    List<Email> all = token.user().emails();
    JsonArray body = new JsonArray();
    all.stream()
        .skip((long) (page - 1) * perPage)
        .limit(perPage)
        .forEach(
            e ->
                body.add(
                    new JsonObject()
                        .put("email", e.email())
                        .put("primary", e.primary())
                        .put("verified", e.verified())
                        .put("visibility", e.visibility())));
    ctx.response()
        .setStatusCode(200)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }

  private static int intParam(RoutingContext ctx, String name, int fallback) {
    try {
      String value = ctx.queryParams().get(name);
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static void tokenAnswer(RoutingContext ctx, boolean json, Map<String, String> fields) {
    if (json) {
      JsonObject body = new JsonObject();
      fields.forEach(body::put);
      ctx.response()
          .setStatusCode(200)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .end(body.encode());
      return;
    }
    StringBuilder form = new StringBuilder();
    fields.forEach(
        (k, v) ->
            form.append(form.isEmpty() ? "" : "&")
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    ctx.response()
        .setStatusCode(200)
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .end(form.toString());
  }

  private static void apiError(RoutingContext ctx, int status, String message, String docs) {
    json(
        ctx,
        status,
        new JsonObject()
            .put("message", message)
            .put("documentation_url", docs)
            .put("status", String.valueOf(status)));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }

  private static void redirect(RoutingContext ctx, String uri, String... params) {
    StringBuilder target = new StringBuilder(uri).append(uri.contains("?") ? '&' : '?');
    boolean first = true;
    for (int i = 0; i < params.length; i += 2) {
      if (params[i + 1] == null) {
        continue;
      }
      target
          .append(first ? "" : "&")
          .append(params[i])
          .append('=')
          .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8).replace("+", "%20"));
      first = false;
    }
    ctx.response().setStatusCode(302).putHeader("Location", target.toString()).end();
  }

  @Override
  public void close() {
    await(server.close());
    if (ownsVertx) {
      await(vertx.close());
    }
  }
}
