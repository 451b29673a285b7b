package com.interviewroom.edge.auth.oauth;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.testkit.oauth.FakeGitHub;
import com.interviewroom.testkit.oauth.FakeGoogle;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "Continue with Google / GitHub" through the edge's start and callback routes, against the fake
 * providers over real sockets: what a browser is sent where, and what lands in the database.
 */
class ProviderSignInTest {
  private static FakeGoogle google;
  private static FakeGitHub github;
  private static EdgeServer server;
  private static ProviderFlow flow;

  @BeforeAll
  static void start() {
    google = FakeGoogle.start();
    github = FakeGitHub.start();
    Map<String, String> env = new HashMap<>(google.env("http://localhost:8080"));
    env.putAll(github.env("http://localhost:8080"));
    server = EdgeServer.start(env);
    flow = new ProviderFlow(server);
  }

  @AfterAll
  static void stop() {
    flow.close();
    server.close();
    google.close();
    github.close();
  }

  private static FakeGoogle.User googleUser(boolean verified) {
    String id = UUID.randomUUID().toString();
    return new FakeGoogle.User(
        "1" + Math.abs(id.hashCode()) + "0" + id.substring(0, 8).replaceAll("[^0-9]", "7"),
        "g-" + id + "@example.com",
        verified,
        "Grace Hopper");
  }

  private static long count(String sql, Object... args) {
    return await(
        server.db.asService(
            c ->
                c.preparedQuery(sql)
                    .execute(Tuple.from(args))
                    .map(rows -> rows.iterator().next().getLong(0))));
  }

  private static long usersWithEmail(String email) {
    return count("SELECT count(*) FROM users WHERE lower(email) = lower($1)", email);
  }

  private static void assertRefused(ProviderFlow.Landed landed, String code) {
    assertThat(landed.path()).isEqualTo("/login");
    assertThat(landed.query("error")).isEqualTo(code);
    assertThat(landed.refreshCookie()).isNull();
  }

  @Test
  @DisplayName("GET /api/legal lists the configured providers, so the pages show their buttons")
  void legalListsProviders() {
    JsonObject legal = await(server.client.get("/api/legal").send()).bodyAsJsonObject();
    assertThat(legal.getJsonArray("signInProviders"))
        .isEqualTo(new JsonArray(List.of("google", "github")));
  }

  @Test
  @DisplayName(
      "the start sets an HttpOnly SameSite=Lax binding cookie and sends the browser to Google with PKCE S256, state and nonce")
  void startRedirectsWithPkce() {
    HttpResponse<Buffer> response =
        await(
            io.vertx.ext.web.client.WebClient.create(
                    server.vertx,
                    new io.vertx.ext.web.client.WebClientOptions().setFollowRedirects(false))
                .get(
                    server.port(),
                    "127.0.0.1",
                    "/auth/start/google?termsVersion=" + Legal.TERMS_VERSION)
                .send());
    assertThat(response.statusCode()).isEqualTo(302);
    String location = response.getHeader("Location");
    assertThat(location)
        .startsWith(google.issuer() + "/o/oauth2/v2/auth?")
        .contains(
            "code_challenge_method=S256",
            "code_challenge=",
            "nonce=",
            "state=",
            "response_type=code",
            "redirect_uri=" + ProviderFlow.enc("http://localhost:8080/auth/callback/google"));
    String cookie = ProviderFlow.setCookieHeader(response, "ir_oauth");
    assertThat(cookie)
        .containsIgnoringCase("HttpOnly")
        .contains("SameSite=Lax", "Path=/auth", "Max-Age=600");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  @DisplayName(
      "a first Google sign-in from the sign-up page creates one account with the terms recorded, signs in and lands on /onboarding")
  void googleSignUp() {
    FakeGoogle.User user = googleUser(true);
    google.signInAs(user);
    ProviderFlow.Landed landed = flow.signIn("google", Legal.TERMS_VERSION);

    assertThat(landed.location()).isEqualTo("/onboarding?signin=done");
    assertThat(landed.refreshCookie()).isNotNull();
    HttpResponse<Buffer> refreshed = flow.refresh(landed.refreshCookie());
    assertThat(refreshed.statusCode()).isEqualTo(200);
    JsonObject body = refreshed.bodyAsJsonObject();
    assertThat(body.getJsonObject("user").getString("email")).isEqualTo(user.email());
    UUID id = UUID.fromString(body.getJsonObject("user").getString("id"));
    assertThat(
            count(
                "SELECT count(*) FROM profiles WHERE user_id = $1 AND terms_version = $2 AND terms_accepted_at IS NOT NULL",
                id,
                Legal.TERMS_VERSION))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM profiles WHERE user_id = $1 AND credits = 3 AND display_name = 'Grace Hopper'",
                id))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM user_identities WHERE user_id = $1 AND provider = 'google' AND subject = $2",
                id,
                user.sub()))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM users WHERE id = $1 AND password_hash IS NULL", id))
        .isEqualTo(1);
    assertThat(
            count("SELECT count(*) FROM events WHERE user_id = $1 AND kind = 'user.created'", id))
        .isEqualTo(1);
    JsonObject export =
        await(
                server
                    .client
                    .get("/api/users/data-export")
                    .putHeader("Authorization", "Bearer " + body.getString("accessToken"))
                    .send())
            .bodyAsJsonObject();
    assertThat(export.getJsonArray("identities")).hasSize(1);
    assertThat(export.getJsonArray("identities").getJsonObject(0).getString("provider"))
        .isEqualTo("google");

    // the next sign-in finds the same account; with the set-up done it lands on the dashboard
    await(
        server.db.asService(
            c ->
                c.preparedQuery(
                        "UPDATE profiles SET onboarding_completed = true WHERE user_id = $1")
                    .execute(Tuple.of(id))));
    ProviderFlow.Landed again = flow.signIn("google", null);
    assertThat(again.location()).isEqualTo("/dashboard?signin=done");
    assertThat(
            flow.refresh(again.refreshCookie())
                .bodyAsJsonObject()
                .getJsonObject("user")
                .getString("id"))
        .isEqualTo(id.toString());
    assertThat(usersWithEmail(user.email())).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "the log of a provider sign-in names step, provider and outcome, never the code, state, email or provider token")
  void logsHoldNoSecrets() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    net.logstash.logback.encoder.LogstashEncoder encoder =
        new net.logstash.logback.encoder.LogstashEncoder();
    encoder.setContext(
        (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory());
    encoder.start();
    logs.start();
    root.addAppender(logs);
    try {
      FakeGoogle.User user = googleUser(true);
      google.signInAs(user);
      ProviderFlow.Started started = flow.start("google", Legal.TERMS_VERSION, null);
      String query = flow.authorize(started.authorizeUrl());
      ProviderFlow.Landed landed = flow.callback("google", query, started.bindingCookie());
      assertThat(landed.path()).isEqualTo("/onboarding");
      assertRefused(flow.callback("google", query, started.bindingCookie()), "state_invalid");
      long deadline = System.currentTimeMillis() + 5_000;
      List<String> lines;
      do {
        synchronized (logs.list) {
          lines =
              logs.list.stream()
                  .map(e -> new String(encoder.encode(e), java.nio.charset.StandardCharsets.UTF_8))
                  .toList();
        }
      } while (lines.stream().filter(l -> l.contains("provider sign-in")).count() < 3
          && System.currentTimeMillis() < deadline);
      assertThat(lines.stream().filter(l -> l.contains("provider sign-in")))
          .hasSize(3)
          .anySatisfy(
              l ->
                  assertThat(l).contains("\"outcome\":\"state_invalid\"", "\"step\":\"callback\""));
      for (String secret :
          List.of(
              ProviderFlow.param(query, "code"),
              ProviderFlow.param(query, "state"),
              started.bindingCookie(),
              user.email(),
              landed.refreshCookie(),
              "ya29.")) {
        assertThat(lines).noneMatch(l -> l.contains(secret));
      }
    } finally {
      root.detachAppender(logs);
      encoder.stop();
    }
  }

  @Test
  @DisplayName(
      "a first sign-in without the terms accepted (from the login page) creates nothing and says terms_required")
  void termsRequired() {
    FakeGoogle.User user = googleUser(true);
    google.signInAs(user);
    assertRefused(flow.signIn("google", null), "terms_required");
    assertThat(usersWithEmail(user.email())).isZero();
  }

  @Test
  @DisplayName(
      "an outdated terms version is refused at the start, before the browser leaves for the provider")
  void outdatedTerms() {
    HttpResponse<Buffer> response =
        await(
            io.vertx.ext.web.client.WebClient.create(
                    server.vertx,
                    new io.vertx.ext.web.client.WebClientOptions().setFollowRedirects(false))
                .get(server.port(), "127.0.0.1", "/auth/start/google?termsVersion=1999-01-01")
                .send());
    assertThat(response.getHeader("Location")).isEqualTo("/login?error=terms_outdated");
  }

  @Test
  @DisplayName("a forged state is refused as state_invalid and the code is never exchanged")
  void forgedState() {
    google.signInAs(googleUser(true));
    ProviderFlow.Started started = flow.start("google", Legal.TERMS_VERSION, null);
    String query = flow.authorize(started.authorizeUrl());
    int exchanges = google.tokenExchanges();
    String forged = ProviderFlow.replaceParam(query, "state", "A".repeat(43));
    assertRefused(flow.callback("google", forged, started.bindingCookie()), "state_invalid");
    assertThat(google.tokenExchanges()).isEqualTo(exchanges);
  }

  @Test
  @DisplayName(
      "a code issued to another flow (an injected code) fails PKCE at the provider: provider_error, no account, for both providers")
  void injectedCodeFailsPkce() {
    FakeGoogle.User user = googleUser(true);
    google.signInAs(user);
    ProviderFlow.Started victim = flow.start("google", Legal.TERMS_VERSION, null);
    ProviderFlow.Started attacker = flow.start("google", Legal.TERMS_VERSION, null);
    String attackerCode = ProviderFlow.param(flow.authorize(attacker.authorizeUrl()), "code");
    String victimQuery = flow.authorize(victim.authorizeUrl());
    assertRefused(
        flow.callback(
            "google",
            ProviderFlow.replaceParam(victimQuery, "code", attackerCode),
            victim.bindingCookie()),
        "provider_error");
    assertThat(usersWithEmail(user.email())).isZero();

    String email = "pkce-" + UUID.randomUUID() + "@example.com";
    github.signInAs(
        new FakeGitHub.User(
            80_000_000L + (System.nanoTime() % 1_000_000),
            "pkce",
            null,
            List.of(new FakeGitHub.Email(email, true, true, "private"))));
    ProviderFlow.Started hubVictim = flow.start("github", Legal.TERMS_VERSION, null);
    ProviderFlow.Started hubAttacker = flow.start("github", Legal.TERMS_VERSION, null);
    String hubCode = ProviderFlow.param(flow.authorize(hubAttacker.authorizeUrl()), "code");
    String hubQuery = flow.authorize(hubVictim.authorizeUrl());
    assertRefused(
        flow.callback(
            "github",
            ProviderFlow.replaceParam(hubQuery, "code", hubCode),
            hubVictim.bindingCookie()),
        "provider_error");
    assertThat(usersWithEmail(email)).isZero();
  }

  @Test
  @DisplayName("a state is good once: the same callback replayed is state_invalid")
  void reusedState() {
    google.signInAs(googleUser(true));
    ProviderFlow.Started started = flow.start("google", Legal.TERMS_VERSION, null);
    String query = flow.authorize(started.authorizeUrl());
    assertThat(flow.callback("google", query, started.bindingCookie()).path())
        .isEqualTo("/onboarding");
    assertRefused(flow.callback("google", query, started.bindingCookie()), "state_invalid");
  }

  @Test
  @DisplayName(
      "a callback in another browser (without the binding cookie, or with another one) is state_invalid: no login CSRF")
  void stateOfAnotherBrowser() {
    FakeGoogle.User user = googleUser(true);
    google.signInAs(user);
    ProviderFlow.Started started = flow.start("google", Legal.TERMS_VERSION, null);
    String query = flow.authorize(started.authorizeUrl());
    assertRefused(flow.callback("google", query, "B".repeat(43)), "state_invalid");

    ProviderFlow.Started second = flow.start("google", Legal.TERMS_VERSION, null);
    assertRefused(
        flow.callback("google", flow.authorize(second.authorizeUrl()), null), "state_invalid");
    assertThat(usersWithEmail(user.email())).isZero();
  }

  @Test
  @DisplayName("a state started for GitHub is refused at Google's callback")
  void stateOfAnotherProvider() {
    github.signInAs(
        new FakeGitHub.User(
            777001,
            "mixup",
            "Mix Up",
            List.of(
                new FakeGitHub.Email(
                    "mixup-" + UUID.randomUUID() + "@example.com", true, true, "private"))));
    ProviderFlow.Started started = flow.start("github", Legal.TERMS_VERSION, null);
    String query = flow.authorize(started.authorizeUrl());
    assertRefused(flow.callback("google", query, started.bindingCookie()), "state_invalid");
  }

  private void refusedIdToken(FakeGoogle.Tamper tamper) {
    FakeGoogle.User user = googleUser(true);
    google.signInAs(user);
    google.tamper(tamper);
    try {
      assertRefused(flow.signIn("google", Legal.TERMS_VERSION), "id_token_invalid");
    } finally {
      google.tamper(FakeGoogle.Tamper.NONE);
    }
    assertThat(usersWithEmail(user.email())).as(tamper.name()).isZero();
  }

  @Test
  @DisplayName("an ID token with another nonce than this flow's is refused")
  void wrongNonce() {
    refusedIdToken(FakeGoogle.Tamper.WRONG_NONCE);
  }

  @Test
  @DisplayName("an expired ID token is refused")
  void expiredIdToken() {
    refusedIdToken(FakeGoogle.Tamper.EXPIRED);
  }

  @Test
  @DisplayName("an ID token whose signature is not Google's key is refused")
  void badSignature() {
    refusedIdToken(FakeGoogle.Tamper.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("an ID token for another client id is refused")
  void wrongAudience() {
    refusedIdToken(FakeGoogle.Tamper.WRONG_AUDIENCE);
  }

  @Test
  @DisplayName("an ID token from another issuer, or HS256-signed with the public key, is refused")
  void wrongIssuerOrAlgorithm() {
    refusedIdToken(FakeGoogle.Tamper.WRONG_ISSUER);
    refusedIdToken(FakeGoogle.Tamper.HS256);
  }

  @Test
  @DisplayName("a Google account whose email is not verified is refused")
  void unverifiedGoogleEmail() {
    FakeGoogle.User user = googleUser(false);
    google.signInAs(user);
    assertRefused(flow.signIn("google", Legal.TERMS_VERSION), "email_unverified");
    assertThat(usersWithEmail(user.email())).isZero();
  }

  @Test
  @DisplayName("declining at the provider lands on /login with access_denied")
  void declined() {
    google.signInAs(googleUser(true));
    google.denyNext();
    assertRefused(flow.signIn("google", Legal.TERMS_VERSION), "access_denied");
  }

  @Test
  @DisplayName("a provider that is not configured has no flow: provider_disabled")
  void unknownProvider() {
    HttpResponse<Buffer> response =
        await(
            io.vertx.ext.web.client.WebClient.create(
                    server.vertx,
                    new io.vertx.ext.web.client.WebClientOptions().setFollowRedirects(false))
                .get(server.port(), "127.0.0.1", "/auth/start/facebook")
                .send());
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.getHeader("Location")).isEqualTo("/login?error=provider_disabled");
  }

  @Test
  @DisplayName(
      "GitHub: the primary verified address of /user/emails becomes the account, the numeric id its identity")
  void gitHubSignUp() {
    String primary = "hub-" + UUID.randomUUID() + "@example.com";
    long id = 40_000_000L + (System.nanoTime() % 1_000_000);
    github.signInAs(
        new FakeGitHub.User(
            id,
            "hubber",
            null,
            List.of(
                new FakeGitHub.Email(
                    "other-" + UUID.randomUUID() + "@example.com", false, true, null),
                new FakeGitHub.Email(primary, true, true, "private"))));
    ProviderFlow.Landed landed = flow.signIn("github", Legal.TERMS_VERSION);
    assertThat(landed.location()).isEqualTo("/onboarding?signin=done");
    JsonObject user = flow.refresh(landed.refreshCookie()).bodyAsJsonObject().getJsonObject("user");
    assertThat(user.getString("email")).isEqualTo(primary);
    assertThat(
            count(
                "SELECT count(*) FROM user_identities WHERE provider = 'github' AND subject = $1 AND user_id = $2",
                Long.toString(id),
                UUID.fromString(user.getString("id"))))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM profiles WHERE user_id = $1 AND display_name = 'hubber'",
                UUID.fromString(user.getString("id"))))
        .isEqualTo(1);
  }

  @Test
  @DisplayName(
      "GitHub without a verified primary email (only a verified secondary) is refused, nothing created")
  void gitHubWithoutVerifiedPrimary() {
    String primary = "unverified-" + UUID.randomUUID() + "@example.com";
    String secondary = "verified-" + UUID.randomUUID() + "@example.com";
    github.signInAs(
        new FakeGitHub.User(
            50_000_000L + (System.nanoTime() % 1_000_000),
            "nobody",
            "No Body",
            List.of(
                new FakeGitHub.Email(primary, true, false, "private"),
                new FakeGitHub.Email(secondary, false, true, null))));
    assertRefused(flow.signIn("github", Legal.TERMS_VERSION), "email_unverified");
    assertThat(usersWithEmail(primary)).isZero();
    assertThat(usersWithEmail(secondary)).isZero();
  }

  @Test
  @DisplayName(
      "an existing password account is linked only after its password: wrong password links nothing, the right one links")
  void linkingRequiresThePassword() {
    String email = "linked-" + UUID.randomUUID() + "@example.com";
    JsonObject created =
        await(
                server
                    .client
                    .post("/api/auth/signup")
                    .sendJsonObject(EdgeServer.credentials(email, "the real password")))
            .bodyAsJsonObject();
    UUID accountId = UUID.fromString(created.getJsonObject("user").getString("id"));
    FakeGoogle.User user =
        new FakeGoogle.User("2" + Math.abs(email.hashCode()), email.toUpperCase(), true, "Link Me");
    google.signInAs(user);

    ProviderFlow.Landed landed = flow.signIn("google", Legal.TERMS_VERSION);
    assertThat(landed.path()).isEqualTo("/login");
    assertThat(landed.query("provider")).isEqualTo("google");
    assertThat(landed.refreshCookie()).as("not signed in before the password").isNull();
    String link = landed.query("link");
    assertThat(link).matches("[A-Za-z0-9_-]{43}");
    assertThat(count("SELECT count(*) FROM user_identities WHERE user_id = $1", accountId))
        .isZero();

    HttpResponse<Buffer> otherEmail =
        await(
            server
                .client
                .post("/api/auth/login")
                .sendJsonObject(
                    new JsonObject()
                        .put("email", "someone-else@example.com")
                        .put("password", "whatever")
                        .put("linkToken", link)));
    assertThat(otherEmail.statusCode()).isEqualTo(400);
    assertThat(otherEmail.bodyAsJsonObject().getString("code")).isEqualTo("link_invalid");

    HttpResponse<Buffer> wrong =
        await(
            server
                .client
                .post("/api/auth/login")
                .sendJsonObject(
                    new JsonObject()
                        .put("email", email)
                        .put("password", "a guess")
                        .put("linkToken", link)));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(count("SELECT count(*) FROM user_identities WHERE user_id = $1", accountId))
        .isZero();

    HttpResponse<Buffer> right =
        await(
            server
                .client
                .post("/api/auth/login")
                .sendJsonObject(
                    new JsonObject()
                        .put("email", email)
                        .put("password", "the real password")
                        .put("linkToken", link)));
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(
            count(
                "SELECT count(*) FROM user_identities WHERE user_id = $1 AND provider = 'google' AND subject = $2",
                accountId,
                user.sub()))
        .isEqualTo(1);

    // from now on Google signs in to that account directly
    ProviderFlow.Landed direct = flow.signIn("google", null);
    assertThat(direct.path()).isEqualTo("/onboarding");
    assertThat(
            flow.refresh(direct.refreshCookie())
                .bodyAsJsonObject()
                .getJsonObject("user")
                .getString("id"))
        .isEqualTo(accountId.toString());
    assertThat(usersWithEmail(email)).isEqualTo(1);
  }

  @org.junit.jupiter.api.RepeatedTest(5)
  @DisplayName(
      "rapid double clicks and concurrent callbacks for one new identity make one account, one profile, one identity")
  void concurrentCallbacks() {
    FakeGoogle.User user = googleUser(true);
    google.signInAs(user);
    // one browser clicking five times: every start reuses its binding cookie, so all five flows are
    // its own
    ProviderFlow.Started first = flow.start("google", Legal.TERMS_VERSION, null);
    List<String> queries = new java.util.ArrayList<>(List.of(flow.authorize(first.authorizeUrl())));
    for (int i = 0; i < 4; i++) {
      ProviderFlow.Started again = flow.start("google", Legal.TERMS_VERSION, first.bindingCookie());
      assertThat(again.bindingCookie()).isEqualTo(first.bindingCookie());
      queries.add(flow.authorize(again.authorizeUrl()));
    }
    List<Future<HttpResponse<Buffer>>> callbacks =
        queries.stream()
            .map(q -> flow.callbackRequest("google", q, first.bindingCookie()))
            .toList();
    await(Future.join(callbacks));
    List<ProviderFlow.Landed> landed =
        callbacks.stream().map(f -> ProviderFlow.landed(f.result())).toList();
    assertThat(landed).allSatisfy(l -> assertThat(l.path()).isEqualTo("/onboarding"));
    assertThat(usersWithEmail(user.email())).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM profiles p JOIN users u ON u.id = p.user_id WHERE lower(u.email) = lower($1)",
                user.email()))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM user_identities WHERE provider = 'google' AND subject = $1",
                user.sub()))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM credit_transactions t JOIN users u ON u.id = t.user_id WHERE lower(u.email) = lower($1)",
                user.email()))
        .isEqualTo(1);
  }

  @org.junit.jupiter.api.RepeatedTest(8)
  @DisplayName(
      "concurrent callbacks of four browsers for one new GitHub identity also make exactly one account")
  void concurrentGitHubBrowsers() {
    String email = "race-" + UUID.randomUUID() + "@example.com";
    long id = 60_000_000L + (System.nanoTime() % 1_000_000);
    github.signInAs(
        new FakeGitHub.User(
            id, "racer", "Racer", List.of(new FakeGitHub.Email(email, true, true, "private"))));
    List<ProviderFlow.Started> browsers =
        IntStream.range(0, 4)
            .mapToObj(i -> flow.start("github", Legal.TERMS_VERSION, null))
            .toList();
    List<String> queries = browsers.stream().map(b -> flow.authorize(b.authorizeUrl())).toList();
    List<Future<HttpResponse<Buffer>>> callbacks =
        IntStream.range(0, 4)
            .mapToObj(
                i ->
                    flow.callbackRequest("github", queries.get(i), browsers.get(i).bindingCookie()))
            .toList();
    await(Future.join(callbacks));
    assertThat(callbacks)
        .allSatisfy(
            f -> assertThat(ProviderFlow.landed(f.result()).path()).isEqualTo("/onboarding"));
    assertThat(usersWithEmail(email)).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM user_identities WHERE provider = 'github' AND subject = $1",
                Long.toString(id)))
        .isEqualTo(1);
  }
}
