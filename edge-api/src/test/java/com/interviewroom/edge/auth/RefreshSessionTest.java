package com.interviewroom.edge.auth;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.openapi.OpenApiContract;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Sign-in that lasts (issue 13): terms at sign-up, the ir_refresh cookie, rotation, reuse
 * detection, logout.
 */
class RefreshSessionTest extends EdgeTest {
  private static String email() {
    return "refresh-" + UUID.randomUUID() + "@example.com";
  }

  private static HttpResponse<Buffer> signup(String email) {
    HttpResponse<Buffer> response =
        await(
            server
                .client
                .post("/api/auth/signup")
                .sendJsonObject(EdgeServer.credentials(email, "refresh password")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response;
  }

  /** The Set-Cookie header for ir_refresh, or null. */
  private static String setCookie(HttpResponse<Buffer> response) {
    return response.cookies().stream()
        .filter(c -> c.startsWith(AuthRoutes.COOKIE + "="))
        .findFirst()
        .orElse(null);
  }

  private static String token(HttpResponse<Buffer> response) {
    String header = setCookie(response);
    assertThat(header).as("an ir_refresh cookie is set").isNotNull();
    return header.substring(AuthRoutes.COOKIE.length() + 1, header.indexOf(';'));
  }

  private static HttpRequest<Buffer> withCookie(HttpRequest<Buffer> request, String token) {
    return token == null ? request : request.putHeader("Cookie", AuthRoutes.COOKIE + "=" + token);
  }

  private static HttpResponse<Buffer> refresh(String token) {
    return await(withCookie(server.client.post("/api/auth/refresh"), token).send());
  }

  private static HttpResponse<Buffer> logout(String token) {
    return await(withCookie(server.client.post("/api/auth/logout"), token).send());
  }

  private static long familiesRevoked(String email) {
    return await(
        server.db.asService(
            sql ->
                sql.preparedQuery(
                        """
            SELECT count(*) FILTER (WHERE r.revoked_at IS NOT NULL) AS n FROM refresh_tokens r JOIN users u ON u.id = r.user_id
             WHERE u.email = $1""")
                    .execute(Tuple.of(email))
                    .map(rows -> rows.iterator().next().getLong("n"))));
  }

  @Test
  @DisplayName(
      "GET /api/legal answers the current terms and privacy versions, the data-lifecycle windows and no sign-in providers (none configured) without a token")
  void legal() {
    HttpResponse<Buffer> response = await(server.client.get("/api/legal").send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(
            new JsonObject()
                .put("termsVersion", Legal.TERMS_VERSION)
                .put("privacyVersion", Legal.PRIVACY_VERSION)
                .put("retentionDays", 90)
                .put("accountRestoreDays", 30)
                .put("signInProviders", new io.vertx.core.json.JsonArray())
                .put("recordingEnabled", true)
                .put("recordingRetentionDays", 30));
    OpenApiContract.assertResponseMatches("GET", "/api/legal", response);
  }

  @Test
  @DisplayName(
      "a sign-up without termsVersion is 400 terms_required, with an old one 400 terms_outdated; an accepted one is stored on the profile")
  void termsAtSignup() {
    String email = email();
    HttpResponse<Buffer> missing =
        await(
            server
                .client
                .post("/api/auth/signup")
                .sendJsonObject(
                    new JsonObject().put("email", email).put("password", "refresh password")));
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.bodyAsJsonObject().getString("code")).isEqualTo("terms_required");
    HttpResponse<Buffer> outdated =
        await(
            server
                .client
                .post("/api/auth/signup")
                .sendJsonObject(
                    EdgeServer.credentials(email, "refresh password")
                        .put("termsVersion", "2020-01-01")));
    assertThat(outdated.statusCode()).isEqualTo(400);
    assertThat(outdated.bodyAsJsonObject().getString("code")).isEqualTo("terms_outdated");
    assertThat(setCookie(outdated)).isNull();

    JsonObject session = signup(email).bodyAsJsonObject();
    JsonObject profile =
        await(
                server
                    .client
                    .get("/api/users/profile")
                    .putHeader("Authorization", EdgeServer.bearer(session))
                    .send())
            .bodyAsJsonObject();
    assertThat(profile.getString("termsVersion")).isEqualTo(Legal.TERMS_VERSION);
    assertThat(profile.getString("termsAcceptedAt")).isNotBlank();
  }

  @Test
  @DisplayName(
      "sign-up and login set ir_refresh: HttpOnly, SameSite=Strict, Path=/api/auth, Max-Age 30 days, not Secure over plain HTTP; access tokens last at most 15 minutes")
  void cookieAttributes() {
    String email = email();
    HttpResponse<Buffer> created = signup(email);
    HttpResponse<Buffer> login =
        await(
            server
                .client
                .post("/api/auth/login")
                .sendJsonObject(
                    new JsonObject().put("email", email).put("password", "refresh password")));
    assertThat(login.statusCode()).isEqualTo(200);
    for (HttpResponse<Buffer> response : List.of(created, login)) {
      String cookie = setCookie(response);
      // attribute names are case-insensitive (Netty writes HTTPOnly)
      assertThat(cookie.toLowerCase(java.util.Locale.ROOT))
          .contains(
              "; httponly", "; samesite=strict", "; path=/api/auth", "; max-age=" + 30L * 86_400)
          .doesNotContain("secure");
      assertThat(token(response)).matches("[A-Za-z0-9_-]{43}");
      assertThat(response.bodyAsJsonObject().getLong("expiresIn"))
          .isPositive()
          .isLessThanOrEqualTo(15 * 60);
      assertThat(response.bodyAsJsonObject().getString("accessToken")).isNotBlank();
    }
    assertThat(token(created)).isNotEqualTo(token(login));
    // only the hash is stored
    List<String> stored =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery(
                            "SELECT encode(token_hash, 'hex') AS h FROM refresh_tokens r JOIN users u ON u.id = r.user_id WHERE u.email = $1")
                        .execute(Tuple.of(email))
                        .map(
                            rows -> {
                              List<String> out = new java.util.ArrayList<>();
                              rows.forEach(r -> out.add(r.getString("h")));
                              return out;
                            })));
    assertThat(stored).hasSize(2).doesNotContain(token(created), token(login));

    HttpResponse<Buffer> secure =
        await(
            server
                .client
                .post("/api/auth/login")
                .putHeader("X-Forwarded-Proto", "https")
                .sendJsonObject(
                    new JsonObject().put("email", email).put("password", "refresh password")));
    assertThat(setCookie(secure).toLowerCase(java.util.Locale.ROOT)).contains("; secure");
  }

  @Test
  @DisplayName(
      "a refresh answers a fresh access token and rotates the cookie; the old token then fails and revokes the whole family")
  void rotationAndReuseDetection() throws Exception {
    String email = email();
    String first = token(signup(email));
    HttpResponse<Buffer> refreshed = refresh(first);
    assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(200);
    OpenApiContract.assertResponseMatches("POST", "/api/auth/refresh", refreshed);
    JsonObject body = refreshed.bodyAsJsonObject();
    assertThat(body.getJsonObject("user").getString("email")).isEqualTo(email);
    HttpResponse<Buffer> me =
        await(
            server
                .client
                .get("/api/me")
                .putHeader("Authorization", EdgeServer.bearer(body))
                .send());
    assertThat(me.statusCode()).isEqualTo(200);
    String second = token(refreshed);
    assertThat(second).isNotEqualTo(first);
    String third = token(refresh(second));

    // replaying `first` long after its rotation (the grace is for simultaneous tabs): age it past
    // the grace
    await(
        server.db.asService(
            sql ->
                sql.query(
                        "UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE used_at IS NOT NULL")
                    .execute()));
    HttpResponse<Buffer> replay = refresh(first);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.bodyAsJsonObject().getString("code")).isEqualTo("refresh_invalid");
    assertThat(setCookie(replay)).as("the cookie is cleared").contains("Max-Age=0");
    HttpResponse<Buffer> stolenSuccessor = refresh(third);
    assertThat(stolenSuccessor.statusCode())
        .as("the family is revoked: even the newest token is refused")
        .isEqualTo(401);
    assertThat(familiesRevoked(email)).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "two tabs refreshing with the same cookie at once both get an access token; only one rotation happens, the family survives")
  void simultaneousRefreshes() {
    String token = token(signup(email()));
    List<Future<HttpResponse<Buffer>>> both =
        List.of(
            withCookie(server.client.post("/api/auth/refresh"), token).send(),
            withCookie(server.client.post("/api/auth/refresh"), token).send());
    await(Future.all(both));
    assertThat(both)
        .allSatisfy(
            f -> assertThat(f.result().statusCode()).as(f.result().bodyAsString()).isEqualTo(200));
    List<String> cookies =
        both.stream().map(f -> setCookie(f.result())).filter(java.util.Objects::nonNull).toList();
    assertThat(cookies)
        .as("one successor; the later request keeps the one the browser already got")
        .hasSize(1);
    String successor =
        cookies.get(0).substring(AuthRoutes.COOKIE.length() + 1, cookies.get(0).indexOf(';'));
    assertThat(refresh(successor).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "a missing, unknown or malformed refresh cookie is 401 refresh_invalid and clears the cookie")
  void invalidCookies() {
    for (String token : new String[] {null, "A".repeat(43), "not a token", "x".repeat(500)}) {
      HttpResponse<Buffer> response = refresh(token);
      assertThat(response.statusCode()).as(String.valueOf(token)).isEqualTo(401);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("refresh_invalid");
      assertThat(setCookie(response)).contains("Max-Age=0", "Path=/api/auth");
      OpenApiContract.assertResponseMatches("POST", "/api/auth/refresh", response);
    }
  }

  @Test
  @DisplayName("an expired refresh token is refused")
  void expired() {
    String email = email();
    String token = token(signup(email));
    await(
        server.db.asService(
            sql ->
                sql.preparedQuery(
                        "UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)")
                    .execute(Tuple.of(email))));
    assertThat(refresh(token).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "sign-up, login, refresh and logout refuse a foreign Origin with 403; the own origin and no Origin pass")
  void foreignOriginRefused() {
    String token = token(signup(email()));
    HttpResponse<Buffer> foreign =
        await(
            withCookie(server.client.post("/api/auth/refresh"), token)
                .putHeader("Origin", "https://evil.example")
                .send());
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.bodyAsJsonObject().getString("code")).isEqualTo("origin_refused");
    OpenApiContract.assertResponseMatches("POST", "/api/auth/refresh", foreign);
    HttpResponse<Buffer> foreignLogout =
        await(
            withCookie(server.client.post("/api/auth/logout"), token)
                .putHeader("Origin", "null")
                .send());
    assertThat(foreignLogout.statusCode()).isEqualTo(403);

    // login CSRF: a cross-site form can post a JSON-looking text/plain body
    String email = email();
    signup(email);
    HttpResponse<Buffer> crossSiteLogin =
        await(
            server
                .client
                .post("/api/auth/login")
                .putHeader("Origin", "https://evil.example")
                .putHeader("Content-Type", "text/plain")
                .sendBuffer(
                    Buffer.buffer(
                        new JsonObject()
                            .put("email", email)
                            .put("password", "refresh password")
                            .encode())));
    assertThat(crossSiteLogin.statusCode()).isEqualTo(403);
    assertThat(setCookie(crossSiteLogin)).isNull();
    OpenApiContract.assertResponseMatches("POST", "/api/auth/login", crossSiteLogin);
    HttpResponse<Buffer> crossSiteSignup =
        await(
            server
                .client
                .post("/api/auth/signup")
                .putHeader("Origin", "https://evil.example")
                .sendJsonObject(EdgeServer.credentials(email(), "refresh password")));
    assertThat(crossSiteSignup.statusCode()).isEqualTo(403);

    HttpResponse<Buffer> own =
        await(
            withCookie(server.client.post("/api/auth/refresh"), token)
                .putHeader("Origin", "http://127.0.0.1:" + server.port())
                .send());
    assertThat(own.statusCode()).as(own.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> configured =
        await(
            withCookie(server.client.post("/api/auth/refresh"), token(own))
                .putHeader("Origin", "http://localhost:8080")
                .send());
    assertThat(configured.statusCode()).as("PUBLIC_BASE_URL's origin").isEqualTo(200);
  }

  @Test
  @DisplayName(
      "logout answers 204, clears the cookie and revokes the family; without a cookie it is still 204")
  void logoutRevokes() {
    String email = email();
    String token = token(signup(email));
    String next = token(refresh(token));
    HttpResponse<Buffer> out = logout(next);
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(setCookie(out)).contains("Max-Age=0");
    OpenApiContract.assertResponseMatches("POST", "/api/auth/logout", out);
    assertThat(refresh(next).statusCode()).isEqualTo(401);
    assertThat(familiesRevoked(email)).isEqualTo(2);
    assertThat(logout(null).statusCode()).isEqualTo(204);
  }

  @Test
  @DisplayName("deleting the account ends its refresh tokens and its access token at once")
  void deletionRevokesEverything() {
    String email = email();
    HttpResponse<Buffer> created = signup(email);
    JsonObject body = created.bodyAsJsonObject();
    String bearer = EdgeServer.bearer(body);
    // a second token of the user, issued before the deletion and never used (so in no cache)
    String unused =
        "Bearer "
            + server.issuer.accessToken(
                UUID.fromString(body.getJsonObject("user").getString("id")), email);
    assertThat(
            await(server.client.get("/api/me").putHeader("Authorization", bearer).send())
                .statusCode())
        .isEqualTo(200);
    assertThat(
            await(server.client.delete("/api/users/data").putHeader("Authorization", bearer).send())
                .statusCode())
        .isEqualTo(204);
    assertThat(refresh(token(created)).statusCode()).isEqualTo(401);
    for (String authorization : List.of(bearer, unused)) {
      HttpResponse<Buffer> me =
          await(server.client.get("/api/me").putHeader("Authorization", authorization).send());
      assertThat(me.statusCode()).isEqualTo(401);
      assertThat(me.bodyAsJsonObject().getString("code")).isEqualTo("token_revoked");
      assertThat(
              await(
                      server
                          .client
                          .get("/api/users/data-export")
                          .putHeader("Authorization", authorization)
                          .send())
                  .statusCode())
          .isEqualTo(401);
    }
    assertThat(TokenIssuer.ACCESS_TTL.toMinutes()).isLessThanOrEqualTo(15);
  }

  private static HttpResponse<Buffer> logoutAll(String authorization, String origin) {
    HttpRequest<Buffer> request = server.client.post("/api/auth/logout-all");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    return await(request.send());
  }

  private static HttpResponse<Buffer> me(String authorization) {
    return await(server.client.get("/api/me").putHeader("Authorization", authorization).send());
  }

  @Test
  @DisplayName(
      "log out everywhere: every refresh family and every access token of the caller end at once, nobody else's; a bearer token and our own Origin are required")
  void logoutAllRevokesEveryFamily() throws Exception {
    String email = email();
    HttpResponse<Buffer> created = signup(email);
    String bearer = EdgeServer.bearer(created.bodyAsJsonObject());
    String firstFamily = token(created);
    // a second browser: its own family, refreshed once
    HttpResponse<Buffer> otherLogin =
        await(
            server
                .client
                .post("/api/auth/login")
                .sendJsonObject(
                    new JsonObject().put("email", email).put("password", "refresh password")));
    String otherBearer = EdgeServer.bearer(otherLogin.bodyAsJsonObject());
    HttpResponse<Buffer> otherRefreshed = refresh(token(otherLogin));
    String otherFamily = token(otherRefreshed);
    // somebody else, signed in too
    HttpResponse<Buffer> stranger = signup(email());
    String strangerBearer = EdgeServer.bearer(stranger.bodyAsJsonObject());

    HttpResponse<Buffer> anonymous = logoutAll(null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    OpenApiContract.assertResponseMatches("POST", "/api/auth/logout-all", anonymous);
    HttpResponse<Buffer> foreign = logoutAll(bearer, "https://evil.example");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.bodyAsJsonObject().getString("code")).isEqualTo("origin_refused");
    OpenApiContract.assertResponseMatches("POST", "/api/auth/logout-all", foreign);
    assertThat(familiesRevoked(email)).as("a refused request revokes nothing").isZero();
    HttpResponse<Buffer> withBody =
        await(
            server
                .client
                .post("/api/auth/logout-all")
                .putHeader("Authorization", bearer)
                .sendJsonObject(new JsonObject().put("everywhere", true)));
    assertThat(withBody.statusCode()).isEqualTo(400);

    HttpResponse<Buffer> out = logoutAll(bearer, "http://127.0.0.1:" + server.port());
    assertThat(out.statusCode()).as(out.bodyAsString()).isEqualTo(204);
    assertThat(setCookie(out)).contains("Max-Age=0");
    assertThat(out.getHeader("Cache-Control")).isEqualTo("no-store");
    OpenApiContract.assertResponseMatches("POST", "/api/auth/logout-all", out);

    assertThat(refresh(firstFamily).statusCode()).isEqualTo(401);
    assertThat(refresh(otherFamily).statusCode()).as("the other browser's family").isEqualTo(401);
    assertThat(familiesRevoked(email)).as("every token of both families").isEqualTo(3);
    for (String authorization : List.of(bearer, otherBearer)) {
      HttpResponse<Buffer> revoked = me(authorization);
      assertThat(revoked.statusCode()).isEqualTo(401);
      assertThat(revoked.bodyAsJsonObject().getString("code")).isEqualTo("token_revoked");
    }
    assertThat(me(strangerBearer).statusCode()).as("another user").isEqualTo(200);
    assertThat(refresh(token(stranger)).statusCode()).isEqualTo(200);

    // at once: a token minted after the revocation is valid even in its second
    HttpResponse<Buffer> again =
        await(
            server
                .client
                .post("/api/auth/login")
                .sendJsonObject(
                    new JsonObject().put("email", email).put("password", "refresh password")));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(me(EdgeServer.bearer(again.bodyAsJsonObject())).statusCode()).isEqualTo(200);
    assertThat(refresh(token(again)).statusCode()).isEqualTo(200);
  }
}
