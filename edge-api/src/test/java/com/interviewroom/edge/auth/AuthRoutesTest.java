package com.interviewroom.edge.auth;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.auth.Audiences;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.EdgeTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AuthRoutesTest extends EdgeTest {
  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(server.client.post(path).sendJsonObject(body));
  }

  private HttpResponse<Buffer> me(String authorization) {
    var request = server.client.get("/api/me");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return await(request.send());
  }

  @Test
  @DisplayName(
      "signup returns an access token that opens the API, with a profile holding 3 credits")
  void signupThenUseToken() {
    JsonObject session = server.signup();
    assertThat(session.getLong("expiresIn")).isPositive();
    HttpResponse<Buffer> me = me(EdgeServer.bearer(session));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getString("id"))
        .isEqualTo(session.getJsonObject("user").getString("id"));
    UUID userId = UUID.fromString(session.getJsonObject("user").getString("id"));
    Integer credits =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery("SELECT credits FROM profiles WHERE user_id = $1")
                        .execute(io.vertx.sqlclient.Tuple.of(userId))
                        .map(rows -> rows.iterator().next().getInteger("credits"))));
    assertThat(credits).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "login works with any letter case of the email; wrong password and unknown user get the same 401")
  void loginUniformErrors() {
    String email = "Case-" + UUID.randomUUID() + "@Example.com";
    assertThat(
            post("/api/auth/signup", EdgeServer.credentials(email, "s3cret-passphrase"))
                .statusCode())
        .isEqualTo(201);
    HttpResponse<Buffer> ok =
        post(
            "/api/auth/login",
            new JsonObject()
                .put("email", email.toLowerCase())
                .put("password", "s3cret-passphrase"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.getHeader("Cache-Control")).isEqualTo("no-store");

    HttpResponse<Buffer> wrong =
        post(
            "/api/auth/login",
            new JsonObject().put("email", email).put("password", "not-the-password"));
    HttpResponse<Buffer> unknown =
        post(
            "/api/auth/login",
            new JsonObject()
                .put("email", "nobody-" + UUID.randomUUID() + "@example.com")
                .put("password", "not-the-password"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    JsonObject a = wrong.bodyAsJsonObject();
    JsonObject b = unknown.bodyAsJsonObject();
    assertThat(a.getString("code")).isEqualTo("invalid_credentials").isEqualTo(b.getString("code"));
    assertThat(a.getString("detail")).isEqualTo(b.getString("detail"));
    assertThat(wrong.getHeader("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  @DisplayName("a duplicate email is 409, whatever its case")
  void duplicateEmail() {
    String email = "dup-" + UUID.randomUUID() + "@example.com";
    assertThat(post("/api/auth/signup", EdgeServer.credentials(email, "password-one")).statusCode())
        .isEqualTo(201);
    HttpResponse<Buffer> again =
        post("/api/auth/signup", EdgeServer.credentials(email.toUpperCase(), "password-two"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("code")).isEqualTo("email_taken");
  }

  @Test
  @DisplayName("concurrent duplicate signups create one user and exactly one profile")
  void concurrentDuplicateSignups() {
    String email = "race-" + UUID.randomUUID() + "@example.com";
    List<Future<HttpResponse<Buffer>>> attempts =
        IntStream.range(0, 10)
            .mapToObj(
                i ->
                    server
                        .client
                        .post("/api/auth/signup")
                        .sendJsonObject(EdgeServer.credentials(email, "race-password")))
            .toList();
    await(Future.join(attempts));
    long created = attempts.stream().filter(f -> f.result().statusCode() == 201).count();
    long conflicts = attempts.stream().filter(f -> f.result().statusCode() == 409).count();
    assertThat(created).isEqualTo(1);
    assertThat(conflicts).isEqualTo(9);
    Long profiles =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery(
                            "SELECT count(*) AS n FROM profiles p JOIN users u ON u.id = p.user_id WHERE lower(u.email) = lower($1)")
                        .execute(io.vertx.sqlclient.Tuple.of(email))
                        .map(rows -> rows.iterator().next().getLong("n"))));
    assertThat(profiles).isEqualTo(1);
  }

  @Test
  @DisplayName("a bad signup lists each bad field and unknown fields in one 400")
  void signupValidation() {
    HttpResponse<Buffer> response =
        post(
            "/api/auth/signup",
            new JsonObject()
                .put("email", "not-an-email")
                .put("password", "short")
                .put("isAdmin", true));
    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("code")).isEqualTo("validation_failed");
    assertThat(problem.getString("requestId")).isNotBlank();
    assertThat(
            problem.getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("field"))
                .toList())
        .containsExactlyInAnyOrder("email", "password", "isAdmin");
  }

  @Test
  @DisplayName("malformed JSON is a 400 problem, not a 500")
  void malformedJson() {
    HttpResponse<Buffer> response =
        await(
            server
                .client
                .post("/api/auth/login")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"email\": ")));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("malformed_json");
  }

  @Test
  @DisplayName("every refused token is a 401 problem: missing, expired, wrong audience, forged")
  void refusedTokens() {
    JsonObject session = server.signup();
    UUID user = UUID.fromString(session.getJsonObject("user").getString("id"));
    Instant past = Instant.now().minus(Duration.ofHours(3));
    String expired =
        server.issuer.sign(
            server
                .issuer
                .base(user, Audiences.API, Duration.ofMinutes(1))
                .issueTime(Date.from(past))
                .notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plusSeconds(60)))
                .build());
    String realtime = server.issuer.realtimeToken(user, UUID.randomUUID());
    String forged =
        session.getString("accessToken").substring(0, session.getString("accessToken").length() - 4)
            + "AAAA";
    for (String header :
        new String[] {
          null, "Bearer", "Basic abc", "Bearer " + expired, "Bearer " + realtime, "Bearer " + forged
        }) {
      HttpResponse<Buffer> response = me(header);
      assertThat(response.statusCode()).as(String.valueOf(header)).isEqualTo(401);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("unauthorized");
    }
  }

  @Test
  @DisplayName("the public keys are served as a JWKS without private parts")
  void jwks() {
    JsonObject jwks = await(server.client.get("/.well-known/jwks.json").send()).bodyAsJsonObject();
    JsonObject key = jwks.getJsonArray("keys").getJsonObject(0);
    assertThat(key.getString("kty")).isEqualTo("EC");
    assertThat(key.containsKey("d")).isFalse();
  }
}
