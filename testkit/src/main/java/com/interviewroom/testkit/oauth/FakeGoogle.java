package com.interviewroom.testkit.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's OpenID Connect provider over a real socket, as strict as the real one where our client
 * could get it wrong. Pinned to Google's reference,
 * https://developers.google.com/identity/openid-connect/reference (discovery document fields, ID
 * token claims) and the guide https://developers.google.com/identity/openid-connect/openid-connect
 * (authentication request parameters, code exchange, "Validate an ID token"), as published 2026-12;
 * the endpoint paths are those of https://accounts.google.com/.well-known/openid-configuration, all
 * served from this host.
 *
 * <ul>
 *   <li>{@code GET /.well-known/openid-configuration}: the discovery document, {@code issuer} =
 *       this server's base URL.
 *   <li>{@code GET /o/oauth2/v2/auth}: an unknown {@code client_id} or an unregistered {@code
 *       redirect_uri} is an error page (as Google shows, never a redirect); {@code response_type}
 *       must be {@code code}, {@code scope} must hold {@code openid}, a {@code code_challenge}
 *       needs {@code code_challenge_method=S256} (our client always sends both). Then, with no
 *       consent screen, the {@link #signInAs signed-in user} "consents": 302 to {@code
 *       redirect_uri?state=&code=&scope=&authuser=0&prompt=consent}, or {@code error=access_denied}
 *       after {@link #denyNext()}.
 *   <li>{@code POST /token}: form-encoded only; client by {@code client_secret_post} or HTTP Basic
 *       (401 {@code invalid_client}); {@code grant_type=authorization_code}; a code is good once,
 *       for 10 minutes, with the same {@code redirect_uri} ({@code redirect_uri_mismatch}) and the
 *       PKCE verifier whose S256 is the challenge ({@code invalid_grant}). Answers {@code
 *       {access_token, expires_in, scope, token_type, id_token}}.
 *   <li>{@code GET /oauth2/v3/certs}: the JWKS (RS256 keys with {@code kid}); {@link #rotateKeys()}
 *       replaces them.
 *   <li>{@code GET /v1/userinfo}: the user's claims for a bearer access token.
 * </ul>
 *
 * {@link #tamper} makes the next ID tokens wrong in one way, for the client's checks to catch.
 */
public final class FakeGoogle implements AutoCloseable {
  public static final String CLIENT_ID = "1234567890-interviewroom.apps.googleusercontent.com";
  public static final String CLIENT_SECRET = "GOCSPX-fake-google-client-secret";
  private static final Duration CODE_TTL = Duration.ofMinutes(10);

  /** Who is signed in at "Google" in the browser that reaches the authorize page. */
  public record User(String sub, String email, boolean emailVerified, String name) {}

  /** One way to spoil the ID tokens issued from now on. */
  public enum Tamper {
    NONE,
    WRONG_NONCE,
    EXPIRED,
    BAD_SIGNATURE,
    WRONG_AUDIENCE,
    WRONG_ISSUER,
    HS256
  }

  private record Grant(
      String clientId,
      String redirectUri,
      String challenge,
      String nonce,
      User user,
      Instant issued) {}

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HttpServer server;
  private final String base;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, User> accessTokens = new ConcurrentHashMap<>();
  private final Set<String> redirectUris = new CopyOnWriteArraySet<>();
  private final AtomicInteger tokenExchanges = new AtomicInteger();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private volatile RSAKey signingKey = newKey();
  private volatile User user =
      new User("110169484474386276334", "ada@example.com", true, "Ada Lovelace");
  private volatile Tamper tamper = Tamper.NONE;
  private volatile boolean denyNext;

  private FakeGoogle(Vertx vertx, boolean ownsVertx) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    Router router = Router.router(vertx);
    router.get("/.well-known/openid-configuration").handler(this::discovery);
    router.get("/o/oauth2/v2/auth").handler(this::authorize);
    router
        .post("/token")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(this::token);
    router.get("/oauth2/v3/certs").handler(this::certs);
    router.get("/v1/userinfo").handler(this::userinfo);
    this.server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    this.base = "http://127.0.0.1:" + server.actualPort();
  }

  /** On its own Vert.x instance (closed with the fake). */
  public static FakeGoogle start() {
    return new FakeGoogle(Vertx.vertx(), true);
  }

  public static FakeGoogle start(Vertx vertx) {
    return new FakeGoogle(vertx, false);
  }

  /** The issuer, also the base URL of every endpoint: what {@code GOOGLE_ISSUER} is set to. */
  public String issuer() {
    return base;
  }

  /** The environment that points the system at this fake, with {@code redirectUri} registered. */
  public Map<String, String> env(String publicBaseUrl) {
    registerRedirectUri(publicBaseUrl + "/auth/callback/google");
    return Map.of(
        "GOOGLE_CLIENT_ID",
        CLIENT_ID,
        "GOOGLE_CLIENT_SECRET",
        CLIENT_SECRET,
        "GOOGLE_ISSUER",
        base);
  }

  public void registerRedirectUri(String uri) {
    redirectUris.add(uri);
  }

  public void signInAs(User next) {
    this.user = next;
  }

  public void tamper(Tamper next) {
    this.tamper = next;
  }

  /** The next authorization is declined by the person ({@code error=access_denied}). */
  public void denyNext() {
    this.denyNext = true;
  }

  /** A new signing key replaces the published one (Google rotates its keys regularly). */
  public void rotateKeys() {
    this.signingKey = newKey();
  }

  public int tokenExchanges() {
    return tokenExchanges.get();
  }

  public int jwksFetches() {
    return jwksFetches.get();
  }

  private void discovery(RoutingContext ctx) {
    json(
        ctx,
        200,
        new JsonObject()
            .put("issuer", base)
            .put("authorization_endpoint", base + "/o/oauth2/v2/auth")
            .put("device_authorization_endpoint", base + "/device/code")
            .put("token_endpoint", base + "/token")
            .put("userinfo_endpoint", base + "/v1/userinfo")
            .put("revocation_endpoint", base + "/revoke")
            .put("jwks_uri", base + "/oauth2/v3/certs")
            .put(
                "response_types_supported",
                new JsonArray(
                    List.of(
                        "code",
                        "token",
                        "id_token",
                        "code token",
                        "code id_token",
                        "token id_token",
                        "code token id_token",
                        "none")))
            .put(
                "response_modes_supported",
                new JsonArray(List.of("query", "fragment", "form_post")))
            .put("subject_types_supported", new JsonArray(List.of("public")))
            .put("id_token_signing_alg_values_supported", new JsonArray(List.of("RS256")))
            .put("scopes_supported", new JsonArray(List.of("openid", "email", "profile")))
            .put(
                "token_endpoint_auth_methods_supported",
                new JsonArray(List.of("client_secret_post", "client_secret_basic")))
            .put(
                "claims_supported",
                new JsonArray(
                    List.of(
                        "aud",
                        "email",
                        "email_verified",
                        "exp",
                        "family_name",
                        "given_name",
                        "iat",
                        "iss",
                        "name",
                        "picture",
                        "sub")))
            .put("code_challenge_methods_supported", new JsonArray(List.of("plain", "S256")))
            .put(
                "grant_types_supported",
                new JsonArray(
                    List.of(
                        "authorization_code",
                        "refresh_token",
                        "urn:ietf:params:oauth:grant-type:device_code",
                        "urn:ietf:params:oauth:grant-type:jwt-bearer"))));
  }

  private void authorize(RoutingContext ctx) {
    MultiMap q = ctx.queryParams();
    if (!CLIENT_ID.equals(q.get("client_id"))) {
      errorPage(ctx, 401, "invalid_client", "The OAuth client was not found.");
      return;
    }
    String redirectUri = q.get("redirect_uri");
    if (redirectUri == null || !redirectUris.contains(redirectUri)) {
      errorPage(
          ctx,
          400,
          "redirect_uri_mismatch",
          "The redirect URI in the request does not match the ones authorized for the OAuth client.");
      return;
    }
    String scope = q.get("scope");
    if (!"code".equals(q.get("response_type"))
        || scope == null
        || !List.of(scope.split(" ")).contains("openid")) {
      errorPage(
          ctx,
          400,
          "invalid_request",
          "Required parameter is missing or invalid: response_type or scope");
      return;
    }
    String challenge = q.get("code_challenge");
    if (challenge != null && !"S256".equals(q.get("code_challenge_method"))) {
      errorPage(ctx, 400, "invalid_request", "Invalid code_challenge_method");
      return;
    }
    String state = q.get("state");
    if (denyNext || user == null) {
      denyNext = false;
      redirect(ctx, redirectUri, "error", "access_denied", "state", state);
      return;
    }
    String code = "4/0" + random(40);
    codes.put(
        code, new Grant(CLIENT_ID, redirectUri, challenge, q.get("nonce"), user, Instant.now()));
    redirect(
        ctx,
        redirectUri,
        "state",
        state,
        "code",
        code,
        "scope",
        "email profile openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
        "authuser",
        "0",
        "prompt",
        "consent");
  }

  private void token(RoutingContext ctx) {
    tokenExchanges.incrementAndGet();
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      tokenError(ctx, 400, "invalid_request", "Bad Request");
      return;
    }
    MultiMap form = ctx.request().formAttributes();
    String clientId = form.get("client_id");
    String secret = form.get("client_secret");
    String basic = ctx.request().getHeader("Authorization");
    if (basic != null && basic.startsWith("Basic ")) {
      String[] pair =
          new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8)
              .split(":", 2);
      clientId = java.net.URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
      secret = pair.length > 1 ? java.net.URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : null;
    }
    if (!CLIENT_ID.equals(clientId) || !CLIENT_SECRET.equals(secret)) {
      tokenError(ctx, 401, "invalid_client", "Unauthorized");
      return;
    }
    if (!"authorization_code".equals(form.get("grant_type"))) {
      tokenError(
          ctx, 400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
      return;
    }
    String code = form.get("code");
    Grant grant = code == null ? null : codes.remove(code); // a code is good once
    if (grant == null || grant.issued().plus(CODE_TTL).isBefore(Instant.now())) {
      tokenError(ctx, 400, "invalid_grant", "Bad Request");
      return;
    }
    if (!grant.redirectUri().equals(form.get("redirect_uri"))) {
      tokenError(ctx, 400, "redirect_uri_mismatch", "Bad Request");
      return;
    }
    if (grant.challenge() != null) {
      String verifier = form.get("code_verifier");
      if (verifier == null) {
        tokenError(ctx, 400, "invalid_grant", "Missing code verifier.");
        return;
      }
      if (!s256(verifier).equals(grant.challenge())) {
        tokenError(ctx, 400, "invalid_grant", "Invalid code verifier.");
        return;
      }
    }
    String accessToken = "ya29.a0" + random(60);
    accessTokens.put(accessToken, grant.user());
    json(
        ctx,
        200,
        new JsonObject()
            .put("access_token", accessToken)
            .put("expires_in", 3599)
            .put(
                "scope",
                "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile")
            .put("token_type", "Bearer")
            .put("id_token", idToken(grant, accessToken)));
  }

  private String idToken(Grant grant, String accessToken) {
    Tamper spoil = tamper;
    Instant now = Instant.now();
    Instant iat = spoil == Tamper.EXPIRED ? now.minus(Duration.ofHours(2)) : now;
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(spoil == Tamper.WRONG_ISSUER ? "https://accounts.example.com" : base)
            .claim("azp", grant.clientId())
            .audience(
                spoil == Tamper.WRONG_AUDIENCE
                    ? "someone-else.apps.googleusercontent.com"
                    : grant.clientId())
            .subject(grant.user().sub())
            .claim("email", grant.user().email())
            .claim("email_verified", grant.user().emailVerified())
            .claim("at_hash", atHash(accessToken))
            .claim("name", grant.user().name())
            .issueTime(Date.from(iat))
            .expirationTime(Date.from(iat.plus(Duration.ofHours(1))));
    if (spoil == Tamper.WRONG_AUDIENCE) {
      // azp is optional in OpenID Connect Core §2: without it only the aud check can catch the
      // token
      claims.claim("azp", null);
    }
    if (grant.nonce() != null) {
      claims.claim("nonce", spoil == Tamper.WRONG_NONCE ? "not-" + grant.nonce() : grant.nonce());
    }
    try {
      RSAKey key = signingKey;
      if (spoil == Tamper.HS256) {
        // the classic confusion attack: HMAC keyed with the public key's bytes
        SignedJWT jwt =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                    .keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT)
                    .build(),
                claims.build());
        jwt.sign(new MACSigner(s256(key.toPublicJWK().toJSONString()).repeat(2)));
        return jwt.serialize();
      }
      RSAKey signer =
          spoil == Tamper.BAD_SIGNATURE
              ? new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate()
              : key;
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              claims.build());
      jwt.sign(new RSASSASigner(signer));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private void certs(RoutingContext ctx) {
    jwksFetches.incrementAndGet();
    ctx.response()
        .putHeader("Cache-Control", "public, max-age=24082, must-revalidate, no-transform");
    json(ctx, 200, new JsonObject(new JWKSet(signingKey.toPublicJWK()).toJSONObject()));
  }

  private void userinfo(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    User known =
        auth != null && auth.startsWith("Bearer ") ? accessTokens.get(auth.substring(7)) : null;
    if (known == null) {
      ctx.response()
          .putHeader(
              "WWW-Authenticate",
              "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
      json(
          ctx,
          401,
          new JsonObject()
              .put("error", "invalid_request")
              .put("error_description", "Invalid Credentials"));
      return;
    }
    json(
        ctx,
        200,
        new JsonObject()
            .put("sub", known.sub())
            .put("name", known.name())
            .put("email", known.email())
            .put("email_verified", known.emailVerified()));
  }

  private static void errorPage(RoutingContext ctx, int status, String error, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end(
            "<!doctype html><title>Error "
                + status
                + ": "
                + error
                + "</title><h1>Access blocked: Authorization Error</h1><p>"
                + message
                + "</p><p>Error "
                + status
                + ": "
                + error
                + "</p>");
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
          .append(
              java.net.URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8)
                  .replace("+", "%20"));
      first = false;
    }
    ctx.response().setStatusCode(302).putHeader("Location", target.toString()).end();
  }

  private static void tokenError(RoutingContext ctx, int status, String error, String description) {
    json(ctx, status, new JsonObject().put("error", error).put("error_description", description));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }

  static String s256(String value) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(value.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** OpenID Connect Core §3.1.3.6: base64url of the left half of SHA-256 of the access token. */
  private static String atHash(String accessToken) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String random(int length) {
    StringBuilder out = new StringBuilder();
    while (out.length() < length) {
      out.append(UUID.randomUUID().toString().replace("-", ""));
    }
    return out.substring(0, length);
  }

  private static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048)
          .keyID(random(40))
          .algorithm(JWSAlgorithm.RS256)
          .keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(server.close());
    if (ownsVertx) {
      await(vertx.close());
    }
  }
}
