package com.interviewroom.common.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.UUID;

/** A token whose signature, issuer, audience and lifetime were checked. */
public record VerifiedToken(UUID userId, String issuer, JWTClaimsSet claims) {

  public String claim(String name) {
    Object value = claims.getClaim(name);
    return value == null ? null : value.toString();
  }

  public String jwtId() {
    return claims.getJWTID();
  }

  /**
   * When the token was issued: to the millisecond when it carries {@link
   * TokenIssuer#ISSUED_AT_MILLIS} within its {@code iat} second (our own tokens), else {@code
   * iat}'s whole second; null without {@code iat}.
   */
  public Instant issuedAt() {
    if (claims.getIssueTime() == null) {
      return null;
    }
    long iatSeconds = claims.getIssueTime().toInstant().getEpochSecond();
    if (claims.getClaim(TokenIssuer.ISSUED_AT_MILLIS) instanceof Number millis
        && Math.floorDiv(millis.longValue(), 1000L) == iatSeconds) {
      return Instant.ofEpochMilli(millis.longValue());
    }
    return Instant.ofEpochSecond(iatSeconds);
  }

  public Instant expiresAt() {
    return claims.getExpirationTime().toInstant();
  }

  public AuthUser user() {
    return new AuthUser(userId, claim("email"), issuer);
  }
}
