package com.interviewroom.edge.auth.oauth;

import com.interviewroom.common.auth.JwksIssuer;
import com.interviewroom.edge.auth.SignInRefused;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Verifies Google ID tokens as Google's OpenID Connect guide says to ("Validate an ID token",
 * https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken): the
 * signature with Google's current keys (RS256 only: {@code none}, HS256 and every other algorithm
 * are refused), {@code iss} is the issuer (or its scheme-less legacy spelling {@code
 * accounts.google.com}), {@code aud} is our client id ({@code azp} too when there are several
 * audiences), {@code exp} not passed and {@code iat} not in the future (each with {@link #SKEW}),
 * and the {@code nonce} this browser's flow sent. Keys come from the discovery document's {@code
 * jwks_uri} through {@link JwksIssuer}: cached, refetched on an unknown {@code kid} (Google rotates
 * its keys), at most once every 30 s.
 */
final class GoogleIdTokens {
  static final Duration SKEW = Duration.ofSeconds(60);
  private static final int MAX_LENGTH = 16 * 1024;

  /** The claims a sign-in needs, after every check passed. */
  record Claims(String subject, String email, boolean emailVerified, String name) {}

  private final JwksIssuer keys;
  private final Set<String> issuers;
  private final String clientId;
  private final Clock clock;

  GoogleIdTokens(JwksIssuer keys, String issuer, String clientId, Clock clock) {
    this.keys = keys;
    // Google documents both spellings of its issuer; the scheme-less one only for https issuers
    this.issuers =
        issuer.startsWith("https://")
            ? Set.of(issuer, issuer.substring("https://".length()))
            : Set.of(issuer);
    this.clientId = clientId;
    this.clock = clock;
  }

  Future<Claims> verify(String idToken, String expectedNonce) {
    SignedJWT jwt;
    try {
      if (idToken == null || idToken.length() > MAX_LENGTH) {
        throw invalid("missing or oversized id_token");
      }
      jwt = SignedJWT.parse(idToken);
      if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
        throw invalid("id_token algorithm " + jwt.getHeader().getAlgorithm() + " is not RS256");
      }
      if (jwt.getHeader().getKeyID() == null) {
        throw invalid("id_token without kid");
      }
    } catch (ParseException e) {
      return Future.failedFuture(invalid("id_token is not a signed JWT"));
    } catch (SignInRefused e) {
      return Future.failedFuture(e);
    }
    return keys.key(jwt.getHeader().getKeyID()).map(key -> checked(jwt, key, expectedNonce));
  }

  private Claims checked(SignedJWT jwt, JWK key, String expectedNonce) {
    if (!(key instanceof RSAKey rsa)) {
      throw invalid("id_token signed with an unknown key");
    }
    try {
      if (!jwt.verify(new RSASSAVerifier(rsa.toRSAPublicKey()))) {
        throw invalid("id_token signature invalid");
      }
    } catch (JOSEException e) {
      throw invalid("id_token signature not verifiable");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("id_token claims malformed");
    }
    if (claims.getIssuer() == null || !issuers.contains(claims.getIssuer())) {
      throw invalid("id_token iss not the configured issuer");
    }
    List<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(clientId)) {
      throw invalid("id_token aud not our client id");
    }
    String azp = stringClaim(claims, "azp");
    if ((audience.size() > 1 || azp != null) && !clientId.equals(azp)) {
      throw invalid("id_token azp not our client id");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null || exp.toInstant().plus(SKEW).isBefore(now)) {
      throw invalid("id_token expired");
    }
    Date iat = claims.getIssueTime();
    if (iat == null || iat.toInstant().minus(SKEW).isAfter(now)) {
      throw invalid("id_token issued in the future");
    }
    if (!Secrets.same(stringClaim(claims, "nonce"), expectedNonce)) {
      throw invalid("id_token nonce does not match the flow");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank() || subject.length() > 255) {
      throw invalid("id_token without a usable sub");
    }
    Object verified = claims.getClaim("email_verified");
    boolean emailVerified = Boolean.TRUE.equals(verified) || "true".equals(verified);
    return new Claims(
        subject, stringClaim(claims, "email"), emailVerified, stringClaim(claims, "name"));
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    return value instanceof String s ? s : null;
  }

  private static SignInRefused invalid(String reason) {
    return new SignInRefused("id_token_invalid", reason);
  }
}
