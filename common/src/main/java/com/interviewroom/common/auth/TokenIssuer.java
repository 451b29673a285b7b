package com.interviewroom.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** The built-in issuer: short-lived access tokens and one-time realtime tokens, signed ES256. */
public final class TokenIssuer {
  /**
   * Short: a refresh (the {@code ir_refresh} cookie) renews it; a revocation is checked per request
   * anyway.
   */
  public static final Duration ACCESS_TTL = Duration.ofMinutes(15);

  public static final Duration REALTIME_TTL = Duration.ofSeconds(60);

  /**
   * The issue time in epoch milliseconds: {@code iat} has whole seconds, too coarse to tell a token
   * minted just after a revocation from one minted just before it in the same second.
   */
  public static final String ISSUED_AT_MILLIS = "iat_ms";

  private final SigningKey key;
  private final String issuer;
  private final Clock clock;
  private final ECDSASigner signer;

  public TokenIssuer(SigningKey key, String issuer, Clock clock) {
    this.key = key;
    this.issuer = issuer;
    this.clock = clock;
    try {
      this.signer = new ECDSASigner(key.privateKey());
    } catch (JOSEException e) {
      throw new IllegalStateException("the signing key is not a usable EC key", e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public String accessToken(UUID userId, String email) {
    return sign(base(userId, Audiences.API, ACCESS_TTL).claim("email", email).build());
  }

  /** A one-time token for {@code /ws}: its {@code jti} is claimed once in Redis on connect. */
  public String realtimeToken(UUID userId, UUID sessionId) {
    return sign(
        base(userId, Audiences.REALTIME, REALTIME_TTL).claim("sid", sessionId.toString()).build());
  }

  /**
   * For tests and tools that need a token with chosen claims from this issuer's key. The signature
   * is always in its low-S form ({@link LowS}), the only one {@link TokenVerifier} accepts.
   */
  public String sign(JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .keyID(key.keyId())
            .type(JOSEObjectType.JWT)
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
    String signingInput =
        new String(jwt.getSigningInput(), java.nio.charset.StandardCharsets.US_ASCII);
    return signingInput + "." + Base64URL.encode(LowS.normalize(jwt.getSignature().decode()));
  }

  public JWTClaimsSet.Builder base(UUID userId, String audience, Duration ttl) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(userId.toString())
        .audience(audience)
        .issueTime(Date.from(now))
        .claim(ISSUED_AT_MILLIS, now.toEpochMilli())
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString());
  }
}
