package com.interviewroom.edge.web;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.payment.StripeDeliveries;
import com.interviewroom.edge.payment.StripeFixture;
import com.interviewroom.edge.session.TestSessions;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 21.12 and 21.16: NUL characters and absurd values are 400 problems, never 500s; emails are
 * normalised the same way at sign-up and login, and invisible characters in them are refused.
 */
class HostileInputTest {
  private static StripeFixture fx;
  private static EdgeServer server;

  @BeforeAll
  static void start() {
    fx = StripeFixture.start();
    server = fx.server;
    await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static HttpResponse<Buffer> post(String path, String authorization, JsonObject body) {
    var request = server.client.request(HttpMethod.POST, path);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return await(request.sendJsonObject(body));
  }

  private static void assertBadRequest(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  @DisplayName("a NUL in the sign-up or login email or password is a 400 naming the field")
  void nulInCredentials() {
    String email = "nul-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> signup =
        post("/api/auth/signup", null, EdgeServer.credentials("a\u0000" + email, "password 123"));
    assertBadRequest(signup);
    assertThat(signup.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("email");
    assertBadRequest(
        post("/api/auth/signup", null, EdgeServer.credentials(email, "pass\u0000word 123")));
    assertBadRequest(
        post(
            "/api/auth/login",
            null,
            new JsonObject().put("email", email + "\u0000").put("password", "x")));
    assertBadRequest(
        post(
            "/api/auth/login",
            null,
            new JsonObject().put("email", email).put("password", "\u0000")));
    assertBadRequest(
        post(
            "/api/auth/login",
            null,
            new JsonObject().put("email", email).put("password", "x").put("a\u0000", 1)));
  }

  @Test
  @DisplayName(
      "a NUL in profile fields or a code snapshot, and a termsAcceptedAt in 4714 BC or year 1, are 400s")
  void nulAndAbsurdValuesInUserData() {
    TestUser user = TestUser.signup(server);
    for (JsonObject patch :
        new JsonObject[] {
          new JsonObject().put("displayName", "Ada\u0000"),
          new JsonObject()
              .put("targetCompanies", new io.vertx.core.json.JsonArray().add("Acme\u0000")),
          new JsonObject()
              .put("termsVersion", "v1")
              .put("termsAcceptedAt", "-4714-11-24T00:00:00Z"),
          new JsonObject().put("termsVersion", "v1").put("termsAcceptedAt", "0001-01-01T00:00:00Z")
        }) {
      HttpResponse<Buffer> response =
          await(
              server
                  .client
                  .patch("/api/users/profile")
                  .putHeader("Authorization", user.authorization())
                  .sendJsonObject(patch));
      assertBadRequest(response);
    }
    UUID session = user.start("two-sum");
    TestSessions.activate(server, session);
    HttpResponse<Buffer> snapshot =
        post(
            "/api/sessions/" + session + "/code",
            user.authorization(),
            new JsonObject()
                .put("code", "x = '\u0000'")
                .put("language", "python")
                .put("snapshotType", "manual")
                .put("timestampMs", System.currentTimeMillis()));
    assertBadRequest(snapshot);
  }

  @Test
  @DisplayName("a signed Stripe event holding a NUL or created: 1e30 is a 400, not a 500")
  void absurdStripeEvents() {
    long now = Instant.now().getEpochSecond();
    JsonObject intent =
        StripeDeliveries.paymentIntent(
            "pi_" + UUID.randomUUID().toString().replace("-", ""),
            999,
            UUID.randomUUID().toString(),
            "starter",
            "succeeded");
    byte[] nul =
        StripeDeliveries.event(
            "evt_nul\u0000" + UUID.randomUUID(), "payment_intent.succeeded", intent, now);
    assertBadRequest(fx.deliver(nul));
    String huge =
        new String(
                StripeDeliveries.event(
                    "evt_huge_" + UUID.randomUUID(), "payment_intent.succeeded", intent, now),
                java.nio.charset.StandardCharsets.UTF_8)
            .replace("\"created\":" + now, "\"created\":1e30");
    assertThat(huge).contains("1e30");
    assertBadRequest(fx.deliver(huge.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  @DisplayName("an address with İ and a decomposed accent signs up and logs in however it is typed")
  void emailsNormalised() {
    String local = "İpek-e\u0301-" + UUID.randomUUID();
    String email = local + "@Example.com";
    HttpResponse<Buffer> created =
        post("/api/auth/signup", null, EdgeServer.credentials(email, "unicode password"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    for (String typed :
        new String[] {
          email,
          java.text.Normalizer.normalize(email, java.text.Normalizer.Form.NFC),
          email.toLowerCase(java.util.Locale.ROOT),
          email.toUpperCase(java.util.Locale.ROOT)
        }) {
      HttpResponse<Buffer> login =
          post(
              "/api/auth/login",
              null,
              new JsonObject().put("email", typed).put("password", "unicode password"));
      assertThat(login.statusCode()).as(typed + ": " + login.bodyAsString()).isEqualTo(200);
    }
    HttpResponse<Buffer> again =
        post(
            "/api/auth/signup",
            null,
            EdgeServer.credentials(email.toUpperCase(java.util.Locale.ROOT), "x-password"));
    assertThat(again.statusCode())
        .as("the same address in another spelling is taken")
        .isEqualTo(409);
  }

  @Test
  @DisplayName("zero-width and bidirectional control characters in an email are refused at sign-up")
  void invisibleCharactersRefused() {
    for (String sneaky :
        new String[] {"\u200B", "\u200D", "\u2060", "\uFEFF", "\u202E", "\u2066", "\u200F"}) {
      String email = "inv" + sneaky + "isible-" + UUID.randomUUID() + "@example.com";
      HttpResponse<Buffer> response =
          post("/api/auth/signup", null, EdgeServer.credentials(email, "password 123"));
      assertBadRequest(response);
      assertThat(
              response
                  .bodyAsJsonObject()
                  .getJsonArray("errors")
                  .getJsonObject(0)
                  .getString("field"))
          .isEqualTo("email");
    }
  }
}
