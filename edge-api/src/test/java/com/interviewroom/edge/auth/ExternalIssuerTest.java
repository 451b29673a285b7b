package com.interviewroom.edge.auth;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An external issuer (Clerk, Supabase) trusted through AUTH_JWKS_URL / AUTH_ISSUER / AUTH_AUDIENCE,
 * its key set served by a fake JWKS endpoint: its users are provisioned on first sight.
 */
class ExternalIssuerTest {
  private static final String ISSUER = "https://clerk.example.test";
  private static final String AUDIENCE = "interviewroom-web";
  private static Vertx jwksVertx;
  private static RSAKey signingKey;
  private static EdgeServer server;

  @BeforeAll
  static void start() throws Exception {
    signingKey = new RSAKeyGenerator(2048).keyID("clerk-1").generate();
    String published = new JWKSet(signingKey.toPublicJWK()).toString();
    jwksVertx = Vertx.vertx();
    HttpServer jwks =
        await(
            jwksVertx
                .createHttpServer()
                .requestHandler(
                    request ->
                        request
                            .response()
                            .putHeader("Content-Type", "application/json")
                            .end(published))
                .listen(0, "127.0.0.1"));
    server =
        EdgeServer.start(
            Map.of(
                "AUTH_JWKS_URL", "http://127.0.0.1:" + jwks.actualPort() + "/.well-known/jwks.json",
                "AUTH_ISSUER", ISSUER,
                "AUTH_AUDIENCE", AUDIENCE));
  }

  @AfterAll
  static void stop() {
    server.close();
    await(jwksVertx.close());
  }

  /**
   * An RS256 token as the external issuer signs it; {@code email} null leaves the claim out
   * (Clerk's default).
   */
  private static String token(String subject, String email) throws Exception {
    return token(subject, email, Instant.now());
  }

  private static String token(String subject, String email, Instant now) throws Exception {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(subject)
            .audience(AUDIENCE)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)));
    if (email != null) {
      claims.claim("email", email);
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(),
            claims.build());
    jwt.sign(new RSASSASigner(signingKey));
    return jwt.serialize();
  }

  private static HttpResponse<Buffer> profile(String token) {
    return await(
        server
            .client
            .get("/api/users/profile")
            .putHeader("Authorization", "Bearer " + token)
            .send());
  }

  private static long users(String predicate, Object value) {
    return count("SELECT count(*) AS n FROM users WHERE " + predicate, value);
  }

  private static long count(String query, Object value) {
    return await(
        server.db.asService(
            sql ->
                sql.preparedQuery(query)
                    .execute(Tuple.of(value))
                    .map(rows -> rows.iterator().next().getLong("n"))));
  }

  @Test
  @DisplayName(
      "an external user who deletes the account is refused at once with every older token, and a later sign-in restores the account")
  void deletionRevokesExternalTokens() throws Exception {
    String subject = "user_" + UUID.randomUUID();
    String email = "ext-del-" + UUID.randomUUID() + "@example.com";
    String token = token(subject, email);
    assertThat(profile(token).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> deleted =
        await(
            server
                .client
                .delete("/api/users/data")
                .putHeader("Authorization", "Bearer " + token)
                .send());
    assertThat(deleted.statusCode()).isEqualTo(204);
    HttpResponse<Buffer> old = profile(token);
    assertThat(old.statusCode()).isEqualTo(401);
    assertThat(old.bodyAsJsonObject().getString("code")).isEqualTo("token_revoked");

    HttpResponse<Buffer> later = profile(token(subject, email, Instant.now().plusSeconds(2)));
    assertThat(later.statusCode()).as(later.bodyAsString()).isEqualTo(200);
    assertThat(users("email = $1", email)).isEqualTo(1);
    // restored, so the retention job will not purge an account in use
    assertThat(users("email = $1 AND deleted_at IS NULL", email)).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a user whose token carries an email gets an account and a profile with 3 credits on first request")
  void provisionedWithEmail() throws Exception {
    String email = "ext-" + UUID.randomUUID() + "@example.com";
    String token = token("user_" + UUID.randomUUID(), email);

    HttpResponse<Buffer> first = profile(token);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject().getInteger("credits")).isEqualTo(3);
    assertThat(first.bodyAsJsonObject().getString("email")).isEqualTo(email);
    HttpResponse<Buffer> again = profile(token);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getInteger("credits"))
        .as("provisioned exactly once")
        .isEqualTo(3);
  }

  @Test
  @DisplayName(
      "a token without an email claim (Clerk's default) also gets an account with 3 credits")
  void provisionedWithoutEmail() throws Exception {
    HttpResponse<Buffer> response = profile(token("user_" + UUID.randomUUID(), null));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject profile = response.bodyAsJsonObject();
    assertThat(profile.getInteger("credits")).isEqualTo(3);
    assertThat(profile.getString("email")).isNull();
    UUID id = UUID.fromString(profile.getString("id"));
    assertThat(users("id = $1 AND email IS NULL", id)).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "an external user whose email belongs to a built-in account is refused with 409 email_taken, every time")
  void emailClashIsAConflict() throws Exception {
    JsonObject builtIn = server.signup();
    String email = builtIn.getJsonObject("user").getString("email");
    String token = token("user_" + UUID.randomUUID(), email.toUpperCase(java.util.Locale.ROOT));

    for (int attempt = 0; attempt < 2; attempt++) {
      HttpResponse<Buffer> response = profile(token);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(409);
      assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("email_taken");
    }
    assertThat(users("lower(email) = lower($1)", email))
        .as("the built-in account is untouched, no second row")
        .isEqualTo(1);
  }

  @Test
  @DisplayName(
      "ten concurrent first requests with one external token provision exactly one user, one profile and one 3-credit ledger row")
  void concurrentFirstRequests() throws Exception {
    String email = "race-" + UUID.randomUUID() + "@example.com";
    String token = token("user_" + UUID.randomUUID(), email);

    List<HttpResponse<Buffer>> responses =
        await(
                Future.all(
                    IntStream.range(0, 10)
                        .mapToObj(
                            i ->
                                server
                                    .client
                                    .get("/api/users/profile")
                                    .putHeader("Authorization", "Bearer " + token)
                                    .send())
                        .toList()))
            .list();

    assertThat(responses)
        .allSatisfy(
            response ->
                assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200));
    List<String> ids =
        responses.stream()
            .map(response -> response.bodyAsJsonObject().getString("id"))
            .distinct()
            .toList();
    assertThat(ids).hasSize(1);
    assertThat(responses)
        .allSatisfy(
            response -> assertThat(response.bodyAsJsonObject().getInteger("credits")).isEqualTo(3));
    UUID id = UUID.fromString(ids.get(0));
    assertThat(users("lower(email) = lower($1)", email)).isEqualTo(1);
    assertThat(count("SELECT count(*) AS n FROM profiles WHERE user_id = $1 AND credits = 3", id))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) AS n FROM credit_transactions WHERE user_id = $1", id))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) AS n FROM credit_transactions WHERE user_id = $1 AND reason = 'signup_bonus' AND delta = 3",
                id))
        .isEqualTo(1);
  }
}
