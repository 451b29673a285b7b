package com.interviewroom.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.http.ApiException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TokenVerifierTest {
  private static final String ISSUER = "http://localhost:8080";
  private static final String EXTERNAL = "https://auth.example.test";
  private static final String EXTERNAL_AUDIENCE = "authenticated";
  private static Vertx vertx;
  private static HttpServer jwksServer;
  private static final AtomicReference<JWKSet> published = new AtomicReference<>();
  private static final AtomicInteger jwksFetches = new AtomicInteger();

  private final SigningKey key = SigningKey.generate();
  private final Clock clock = Clock.systemUTC();
  private final TokenIssuer issuer = new TokenIssuer(key, ISSUER, clock);
  private final UUID user = UUID.randomUUID();

  @BeforeAll
  static void startJwks() throws Exception {
    vertx = Vertx.vertx();
    jwksServer =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  jwksFetches.incrementAndGet();
                  req.response()
                      .putHeader("Content-Type", "application/json")
                      .end(published.get().toString());
                })
            .listen(0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private TokenVerifier localOnly() {
    return new TokenVerifier(List.of(new LocalIssuer(ISSUER, key)), clock);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String refusal(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return "accepted";
    } catch (Exception e) {
      Throwable cause = e.getCause();
      assertThat(cause).isInstanceOf(ApiException.class);
      assertThat(((ApiException) cause).status()).isEqualTo(401);
      return cause.getMessage();
    }
  }

  @Test
  @DisplayName("a fresh access token from the built-in issuer is accepted")
  void validTokenAccepted() throws Exception {
    VerifiedToken token =
        await(localOnly().verify(issuer.accessToken(user, "a@example.com"), Audiences.API));
    assertThat(token.userId()).isEqualTo(user);
    assertThat(token.user().email()).isEqualTo("a@example.com");
  }

  @Test
  @DisplayName("a missing or malformed token is refused with 401")
  void missingAndMalformed() {
    assertThat(refusal(localOnly().verify(null, Audiences.API))).contains("required");
    assertThat(refusal(localOnly().verify("not.a.jwt", Audiences.API))).contains("malformed");
    assertThat(refusal(localOnly().verify("x".repeat(10_000), Audiences.API))).contains("required");
  }

  @Test
  @DisplayName("an expired token is refused")
  void expired() {
    Instant past = Instant.now().minus(Duration.ofHours(2));
    String token =
        issuer.sign(
            issuer
                .base(user, Audiences.API, Duration.ofMinutes(5))
                .issueTime(Date.from(past))
                .notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plus(Duration.ofMinutes(5))))
                .build());
    assertThat(refusal(localOnly().verify(token, Audiences.API))).contains("expired");
  }

  @Test
  @DisplayName("a token that is not valid yet is refused")
  void notYetValid() {
    Instant future = Instant.now().plus(Duration.ofHours(1));
    String token =
        issuer.sign(
            issuer
                .base(user, Audiences.API, Duration.ofHours(2))
                .notBeforeTime(Date.from(future))
                .build());
    assertThat(refusal(localOnly().verify(token, Audiences.API))).contains("not valid yet");
  }

  @Test
  @DisplayName("a token from an untrusted issuer is refused")
  void wrongIssuer() {
    String token =
        new TokenIssuer(key, "https://evil.example", clock).accessToken(user, "a@example.com");
    assertThat(refusal(localOnly().verify(token, Audiences.API))).contains("issuer");
  }

  @Test
  @DisplayName("a realtime token cannot be used as an API token, nor the reverse")
  void wrongAudience() {
    assertThat(
            refusal(
                localOnly().verify(issuer.realtimeToken(user, UUID.randomUUID()), Audiences.API)))
        .contains("not meant");
    assertThat(
            refusal(
                localOnly().verify(issuer.accessToken(user, "a@example.com"), Audiences.REALTIME)))
        .contains("not meant");
  }

  @Test
  @DisplayName("a token signed by another key is refused")
  void badSignature() {
    String forged =
        new TokenIssuer(SigningKey.generate(), ISSUER, clock).accessToken(user, "a@example.com");
    // Same kid as ours, so the key lookup succeeds and the signature check is what refuses it.
    SignedJWT parsed;
    try {
      parsed = SignedJWT.parse(forged);
      String header =
          new JWSHeader.Builder(JWSAlgorithm.ES256)
              .keyID(key.keyId())
              .type(JOSEObjectType.JWT)
              .build()
              .toBase64URL()
              .toString();
      String tampered = header + "." + parsed.getParsedParts()[1] + "." + parsed.getSignature();
      assertThat(refusal(localOnly().verify(tampered, Audiences.API))).contains("signature");
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("a token whose claims were edited after signing is refused")
  void tamperedClaims() throws Exception {
    SignedJWT parsed = SignedJWT.parse(issuer.accessToken(user, "a@example.com"));
    String claims =
        Base64URL.encode(
                parsed
                    .getJWTClaimsSet()
                    .toString()
                    .replace(user.toString(), UUID.randomUUID().toString())
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    String tampered = parsed.getParsedParts()[0] + "." + claims + "." + parsed.getSignature();
    assertThat(refusal(localOnly().verify(tampered, Audiences.API))).contains("signature");
  }

  @Test
  @DisplayName(
      "a remembered token is still refused once it expires, for another audience, and when edited")
  void rememberedTokensAreStillChecked() throws Exception {
    MovableClock movable = new MovableClock(Instant.now());
    TokenIssuer clocked = new TokenIssuer(key, ISSUER, movable);
    TokenVerifier verifier = new TokenVerifier(List.of(new LocalIssuer(ISSUER, key)), movable);
    String token = clocked.accessToken(user, "a@example.com");

    assertThat(await(verifier.verify(token, Audiences.API)).userId()).isEqualTo(user);
    assertThat(await(verifier.verify(token, Audiences.API)).userId()).isEqualTo(user);
    assertThat(refusal(verifier.verify(token, Audiences.REALTIME))).contains("not meant");
    SignedJWT parsed = SignedJWT.parse(token);
    String otherClaims =
        Base64URL.encode(
                parsed
                    .getJWTClaimsSet()
                    .toString()
                    .replace(user.toString(), UUID.randomUUID().toString())
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    assertThat(
            refusal(
                verifier.verify(
                    parsed.getParsedParts()[0] + "." + otherClaims + "." + parsed.getSignature(),
                    Audiences.API)))
        .contains("signature");

    movable.advance(Duration.ofHours(2));
    assertThat(refusal(verifier.verify(token, Audiences.API))).contains("expired");
  }

  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  @DisplayName("alg none is refused")
  void algNone() {
    JWTClaimsSet claims = issuer.base(user, Audiences.API, Duration.ofMinutes(5)).build();
    // header.payload. (an empty signature part) is refused by the strict spelling check before
    // parsing
    assertThat(refusal(localOnly().verify(new PlainJWT(claims).serialize(), Audiences.API)))
        .contains("malformed");
  }

  @Test
  @DisplayName("HS256 signed with the public key as the secret is refused")
  void hs256WithPublicKey() throws Exception {
    JWTClaimsSet claims = issuer.base(user, Audiences.API, Duration.ofMinutes(5)).build();
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.keyId()).build(), claims);
    byte[] publicKeyAsSecret = key.publicKey().toJSONString().getBytes(StandardCharsets.UTF_8);
    jwt.sign(new MACSigner(publicKeyAsSecret));
    assertThat(refusal(localOnly().verify(jwt.serialize(), Audiences.API))).contains("algorithm");
  }

  @Test
  @DisplayName("an external issuer's token is accepted through its JWKS, for its own audience only")
  void externalIssuer() throws Exception {
    RSAKey first = new RSAKeyGenerator(2048).keyID("k1").generate();
    published.set(new JWKSet(first.toPublicJWK()));
    JwksIssuer external = new JwksIssuer(vertx, jwksUrl(), EXTERNAL, EXTERNAL_AUDIENCE, clock);
    TokenVerifier verifier =
        new TokenVerifier(List.of(new LocalIssuer(ISSUER, key), external), clock);

    String supabaseStyle = rsaToken(first, "user_2abc", EXTERNAL_AUDIENCE);
    VerifiedToken accepted = await(verifier.verify(supabaseStyle, Audiences.API));
    assertThat(accepted.issuer()).isEqualTo(EXTERNAL);
    assertThat(accepted.userId())
        .isEqualTo(
            UUID.nameUUIDFromBytes((EXTERNAL + "|user_2abc").getBytes(StandardCharsets.UTF_8)));

    assertThat(
            refusal(verifier.verify(rsaToken(first, "user_2abc", "someone-else"), Audiences.API)))
        .contains("not meant");
    assertThat(refusal(verifier.verify(supabaseStyle, Audiences.REALTIME))).contains("issuer");
  }

  @Test
  @DisplayName(
      "one JWKS issuer picks up a rotated key: an unknown kid refetches once (not inside the minimum interval), known kids never")
  void externalKeyRotation() throws Exception {
    RSAKey k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
    RSAKey k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
    MovableClock movable = new MovableClock(Instant.now());
    JwksIssuer external = new JwksIssuer(vertx, jwksUrl(), EXTERNAL, EXTERNAL_AUDIENCE, movable);
    TokenVerifier verifier = new TokenVerifier(List.of(external), movable);
    published.set(new JWKSet(k1.toPublicJWK()));
    int start = jwksFetches.get();

    assertThat(
            await(verifier.verify(rsaToken(k1, "user_1", EXTERNAL_AUDIENCE), Audiences.API))
                .issuer())
        .isEqualTo(EXTERNAL);
    assertThat(jwksFetches.get() - start).as("the first token fetches the key set").isEqualTo(1);

    // the issuer rotates: k2 signs new tokens, k1 is still published for tokens already out
    published.set(new JWKSet(List.of(k2.toPublicJWK(), k1.toPublicJWK())));
    String k2Token = rsaToken(k2, "user_2", EXTERNAL_AUDIENCE);
    assertThat(refusal(verifier.verify(k2Token, Audiences.API)))
        .as("inside the minimum interval")
        .contains("unknown");
    assertThat(jwksFetches.get() - start).as("no refetch inside the minimum interval").isEqualTo(1);

    movable.advance(JwksIssuer.MIN_REFRESH_INTERVAL.plusSeconds(1));
    assertThat(await(verifier.verify(k2Token, Audiences.API)).issuer()).isEqualTo(EXTERNAL);
    assertThat(jwksFetches.get() - start)
        .as("the unknown kid triggered exactly one refresh")
        .isEqualTo(2);

    assertThat(
            await(verifier.verify(rsaToken(k1, "user_3", EXTERNAL_AUDIENCE), Audiences.API))
                .issuer())
        .isEqualTo(EXTERNAL);
    assertThat(
            await(verifier.verify(rsaToken(k2, "user_4", EXTERNAL_AUDIENCE), Audiences.API))
                .issuer())
        .isEqualTo(EXTERNAL);
    assertThat(jwksFetches.get() - start).as("known kids are served from the cache").isEqualTo(2);
  }

  private static String jwksUrl() {
    return "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks.json";
  }

  @Test
  @DisplayName("an ES256 token whose kid is unknown to the built-in issuer is refused")
  void unknownLocalKid() throws Exception {
    SigningKey other = SigningKey.generate();
    JWTClaimsSet claims = issuer.base(user, Audiences.API, Duration.ofMinutes(5)).build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(other.keyId()).build(), claims);
    jwt.sign(new ECDSASigner(other.privateKey()));
    assertThat(refusal(localOnly().verify(jwt.serialize(), Audiences.API))).contains("unknown");
  }

  private String rsaToken(RSAKey signing, String subject, String audience) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(EXTERNAL)
            .subject(subject)
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .claim("email", "ext@example.com")
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signing.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(signing));
    return jwt.serialize();
  }

  @Test
  @DisplayName(
      "base64url parts must be canonical: no padding, no foreign characters, no impossible length, no stray trailing bits")
  void canonicalBase64Url() {
    assertThat(TokenVerifier.canonicalBase64Url("eyJhIjoxfQ")).isTrue();
    assertThat(TokenVerifier.canonicalBase64Url("eyJhIjoxfQ==")).isFalse();
    assertThat(TokenVerifier.canonicalBase64Url("eyJhIjoxfR")).as("trailing bits set").isFalse();
    assertThat(TokenVerifier.canonicalBase64Url("eyJhI%joxfQ")).isFalse();
    assertThat(TokenVerifier.canonicalBase64Url("eyJhI joxfQ")).isFalse();
    assertThat(TokenVerifier.canonicalBase64Url("abcde")).as("length 1 mod 4").isFalse();
    assertThat(TokenVerifier.canonicalBase64Url("")).isFalse();
  }

  @Test
  @DisplayName("our issuer signs low-S only; the verifier refuses the high-S twin of our token")
  void lowSOnly() throws Exception {
    TokenVerifier verifier = new TokenVerifier(List.of(new LocalIssuer(ISSUER, key)), clock);
    for (int i = 0; i < 8; i++) {
      String token = issuer.accessToken(user, "a@example.com");
      String[] parts = token.split("\\.");
      byte[] signature = Base64URL.from(parts[2]).decode();
      assertThat(LowS.isHighS(signature)).isFalse();
      byte[] high = signature.clone();
      byte[] twin =
          LowS.N.subtract(
                  new java.math.BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64)))
              .toByteArray();
      java.util.Arrays.fill(high, 32, 64, (byte) 0);
      int copy = Math.min(twin.length, 32);
      System.arraycopy(twin, twin.length - copy, high, 64 - copy, copy);
      assertThat(LowS.isHighS(high)).isTrue();
      assertThat(LowS.normalize(high)).isEqualTo(signature);
      String highToken = parts[0] + "." + parts[1] + "." + Base64URL.encode(high);
      assertThat(
              verifier
                  .verify(token, Audiences.API)
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(5, TimeUnit.SECONDS))
          .isNotNull();
      Future<VerifiedToken> refused = verifier.verify(highToken, Audiences.API);
      assertThat(refused.failed()).isTrue();
      assertThat(((ApiException) refused.cause()).status()).isEqualTo(401);
    }
  }
}
