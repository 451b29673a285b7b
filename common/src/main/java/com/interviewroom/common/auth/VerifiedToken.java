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

  public Instant expiresAt() {
    return claims.getExpirationTime().toInstant();
  }

  public AuthUser user() {
    return new AuthUser(userId, claim("email"), issuer);
  }
}
