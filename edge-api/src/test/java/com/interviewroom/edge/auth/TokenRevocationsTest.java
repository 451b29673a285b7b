package com.interviewroom.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.auth.SigningKey;
import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.auth.VerifiedToken;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.testkit.TestRedis;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A revocation voids what was issued before it, to the millisecond, and nothing issued after it.
 */
class TokenRevocationsTest {
  private static final Instant REVOKED_AT = Instant.parse("2026-12-07T10:00:10.500Z");
  private static final SigningKey KEY = SigningKey.generate();
  private static Vertx vertx;
  private static Redis redis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestRedis.url());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "a token minted in the revocation's second but after it is valid; one minted before it in that second is not")
  void sameSecond() throws Exception {
    UUID user = UUID.randomUUID();
    TokenRevocations revocations =
        TokenRevocations.of(vertx, redis, Clock.fixed(REVOKED_AT, ZoneOffset.UTC));
    await(revocations.revokeAll(user));

    assertThat(outcome(revocations, user, ourToken(user, REVOKED_AT.minusMillis(300))))
        .isEqualTo("token_revoked");
    assertThat(outcome(revocations, user, ourToken(user, REVOKED_AT))).isEqualTo("token_revoked");
    assertThat(outcome(revocations, user, ourToken(user, REVOKED_AT.plusMillis(300))))
        .isEqualTo("valid");
    assertThat(outcome(revocations, user, ourToken(user, REVOKED_AT.plusSeconds(1))))
        .isEqualTo("valid");
  }

  @Test
  @DisplayName(
      "a token with whole seconds only (another issuer's, or a millisecond claim outside its iat second) counts as issued before a revocation in that second")
  void secondsOnly() throws Exception {
    UUID user = UUID.randomUUID();
    TokenRevocations revocations =
        TokenRevocations.of(vertx, redis, Clock.fixed(REVOKED_AT, ZoneOffset.UTC));
    await(revocations.revokeAll(user));
    Date sameSecond = Date.from(REVOKED_AT.plusMillis(300));
    Date nextSecond = Date.from(REVOKED_AT.plusSeconds(1));

    assertThat(
            outcome(
                revocations, user, claims(user, new JWTClaimsSet.Builder().issueTime(sameSecond))))
        .isEqualTo("token_revoked");
    assertThat(
            outcome(
                revocations,
                user,
                claims(
                    user,
                    new JWTClaimsSet.Builder()
                        .issueTime(sameSecond)
                        .claim(
                            TokenIssuer.ISSUED_AT_MILLIS,
                            REVOKED_AT.plusSeconds(5).toEpochMilli()))))
        .as("a millisecond claim that contradicts iat is ignored")
        .isEqualTo("token_revoked");
    assertThat(
            outcome(
                revocations, user, claims(user, new JWTClaimsSet.Builder().issueTime(nextSecond))))
        .isEqualTo("valid");
    assertThat(outcome(revocations, user, claims(user, new JWTClaimsSet.Builder())))
        .as("no iat")
        .isEqualTo("token_revoked");
  }

  /**
   * A token of the built-in issuer at {@code at}, read back from its signed form as the verifier
   * would.
   */
  private static VerifiedToken ourToken(UUID user, Instant at) throws Exception {
    String jwt =
        new TokenIssuer(KEY, "http://localhost", Clock.fixed(at, ZoneOffset.UTC))
            .accessToken(user, "a@example.test");
    return new VerifiedToken(user, "http://localhost", SignedJWT.parse(jwt).getJWTClaimsSet());
  }

  private static VerifiedToken claims(UUID user, JWTClaimsSet.Builder claims) {
    return new VerifiedToken(
        user, "https://auth.example.test", claims.subject(user.toString()).build());
  }

  private static String outcome(TokenRevocations revocations, UUID user, VerifiedToken token)
      throws Exception {
    try {
      await(revocations.check(user, token.issuedAt()));
      return "valid";
    } catch (ExecutionException e) {
      return e.getCause() instanceof ApiException api ? api.code() : e.getCause().toString();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
