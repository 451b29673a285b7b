package com.interviewroom.edge.auth;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.openapi.OpenApiContract;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 21.4: limits on login and sign-up per IP and per email, the cap on free-credit sign-ups per
 * IP, and the bounded password-hashing pool. The client IP comes from a test header ({@code
 * CLIENT_IP_HEADER}), so each test counts against addresses of its own.
 */
class SignInLimitsTest {
  private static final String IP_HEADER = "X-Test-Client-Ip";
  private static EdgeServer server;

  @BeforeAll
  static void start() {
    server =
        EdgeServer.start(
            Map.of(
                "CLIENT_IP_HEADER", IP_HEADER,
                "AUTH_LOGIN_PER_IP_PER_MINUTE", "5",
                "AUTH_LOGIN_PER_EMAIL_PER_15_MINUTES", "3",
                "AUTH_SIGNUP_PER_IP_PER_HOUR", "4",
                "AUTH_SIGNUP_PER_EMAIL_PER_HOUR", "2",
                "AUTH_FREE_CREDIT_SIGNUPS_PER_IP_PER_DAY", "2"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * A fresh client address of its own (a random /64 of the IPv6 documentation range), so no other
   * test or run shares its counters.
   */
  private static String freshAddress() {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    return "2001:db8:"
        + Integer.toHexString(random.nextInt(0x10000))
        + ":"
        + Integer.toHexString(random.nextInt(0x10000))
        + "::1";
  }

  private static HttpResponse<Buffer> signup(String ip, String email) {
    return await(
        server
            .client
            .post("/api/auth/signup")
            .putHeader(IP_HEADER, ip)
            .sendJsonObject(EdgeServer.credentials(email, "limits password")));
  }

  private static HttpResponse<Buffer> login(String ip, String email, String password) {
    return await(
        server
            .client
            .post("/api/auth/login")
            .putHeader(IP_HEADER, ip)
            .sendJsonObject(new JsonObject().put("email", email).put("password", password)));
  }

  private static String email() {
    return "limits-" + UUID.randomUUID() + "@example.com";
  }

  private static void assertLimited(HttpResponse<Buffer> response, String path) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(429);
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("rate_limited");
    assertThat(Integer.parseInt(response.getHeader("Retry-After"))).isPositive();
    OpenApiContract.assertResponseMatches("POST", path, response);
  }

  @Test
  @DisplayName(
      "wrong passwords on one account stop at the per-email limit (429 with Retry-After), whatever IP they come from")
  void loginPerEmail() {
    String email = email();
    assertThat(signup(freshAddress(), email).statusCode()).isEqualTo(201);
    for (int i = 0; i < 3; i++) {
      assertThat(login(freshAddress(), email, "wrong password " + i).statusCode()).isEqualTo(401);
    }
    assertLimited(login(freshAddress(), email, "wrong password 4"), "/api/auth/login");
    // the right password does not get through either until the window ends
    assertLimited(login(freshAddress(), email, "limits password"), "/api/auth/login");
  }

  @Test
  @DisplayName("logins from one IP stop at the per-IP limit, across different emails")
  void loginPerIp() {
    String ip = freshAddress();
    for (int i = 0; i < 5; i++) {
      assertThat(login(ip, email(), "whatever").statusCode()).isEqualTo(401);
    }
    assertLimited(login(ip, email(), "whatever"), "/api/auth/login");
    assertThat(login(freshAddress(), email(), "whatever").statusCode())
        .as("another IP is not affected")
        .isEqualTo(401);
  }

  @Test
  @DisplayName("sign-ups stop at the per-IP and per-email limits")
  void signupLimits() {
    String ip = freshAddress();
    for (int i = 0; i < 4; i++) {
      assertThat(signup(ip, email()).statusCode()).isEqualTo(201);
    }
    assertLimited(signup(ip, email()), "/api/auth/signup");

    String email = email();
    assertThat(signup(freshAddress(), email).statusCode()).isEqualTo(201);
    assertThat(signup(freshAddress(), email).statusCode()).isEqualTo(409);
    assertLimited(signup(freshAddress(), email), "/api/auth/signup");
  }

  @Test
  @DisplayName(
      "past the day's free-credit sign-ups of one IP, accounts are still created but start with 0 credits")
  void freeCreditCap() {
    String ip = freshAddress();
    List<Integer> credits =
        IntStream.range(0, 3)
            .mapToObj(
                i -> {
                  HttpResponse<Buffer> created = signup(ip, email());
                  assertThat(created.statusCode()).isEqualTo(201);
                  UUID id =
                      UUID.fromString(
                          created.bodyAsJsonObject().getJsonObject("user").getString("id"));
                  return await(
                      server.db.asService(
                          sql ->
                              sql.preparedQuery("SELECT credits FROM profiles WHERE user_id = $1")
                                  .execute(Tuple.of(id))
                                  .map(rows -> rows.iterator().next().getInteger("credits"))));
                })
            .toList();
    assertThat(credits).containsExactly(3, 3, 0);
  }

  @Test
  @DisplayName("an IPv6 client counts by its /64: rotating the low bits does not escape the limit")
  void ipv6CountsPerPrefix() {
    String prefix = "2001:db8:" + Integer.toHexString((int) (Math.random() * 0xffff)) + ":1:";
    for (int i = 0; i < 5; i++) {
      assertThat(
              login(prefix + Integer.toHexString(i + 1) + "::1", email(), "whatever").statusCode())
          .isEqualTo(401);
    }
    assertLimited(login(prefix + "ffff::9", email(), "whatever"), "/api/auth/login");
  }

  @Test
  @DisplayName(
      "with the hashing pool full (1 slot, no queue), parallel logins beyond it get 503 busy with Retry-After, not a pile-up")
  void hashingPoolIsBounded() {
    try (EdgeServer small =
        EdgeServer.start(
            Map.of("AUTH_PASSWORD_HASH_SLOTS", "1", "AUTH_PASSWORD_HASH_QUEUE", "0"))) {
      List<Future<HttpResponse<Buffer>>> attempts =
          IntStream.range(0, 8)
              .mapToObj(
                  i ->
                      small
                          .client
                          .post("/api/auth/login")
                          .sendJsonObject(
                              new JsonObject().put("email", email()).put("password", "whatever")))
              .toList();
      await(Future.join(attempts));
      List<Integer> statuses = attempts.stream().map(f -> f.result().statusCode()).toList();
      assertThat(statuses).contains(401, 503).containsOnly(401, 503);
      HttpResponse<Buffer> busy =
          attempts.stream()
              .map(Future::result)
              .filter(r -> r.statusCode() == 503)
              .findFirst()
              .orElseThrow();
      assertThat(busy.bodyAsJsonObject().getString("code")).isEqualTo("busy");
      assertThat(busy.getHeader("Retry-After")).isEqualTo("1");
      OpenApiContract.assertResponseMatches("POST", "/api/auth/login", busy);
    }
  }
}
