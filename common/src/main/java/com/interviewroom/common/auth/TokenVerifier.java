package com.interviewroom.common.auth;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Verifies bearer tokens from any trusted issuer: asymmetric signature (ES256 or RS256 only, so
 * {@code alg: none} and HS256-signed-with-the-public-key are refused), then {@code iss}, {@code
 * aud}, {@code exp}, {@code nbf} and {@code sub}. Every refusal is a 401 problem.
 *
 * <p>A token that passed is remembered (bounded, per audience) so the next request with the same
 * token skips the signature check, which is most of the cost of an authenticated request; its
 * lifetime is still checked against the clock on every use.
 */
public final class TokenVerifier {
  private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);
  private static final Duration LEEWAY = Duration.ofSeconds(30);
  private static final int MAX_TOKEN_LENGTH = 8192;
  private static final java.util.regex.Pattern BASE64URL =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");
  private static final java.util.Base64.Encoder ENCODER =
      java.util.Base64.getUrlEncoder().withoutPadding();
  private static final java.util.Base64.Decoder DECODER = java.util.Base64.getUrlDecoder();

  private final List<TrustedIssuer> issuers;
  private final Clock clock;
  private final VerifiedTokenCache verified = new VerifiedTokenCache();

  public TokenVerifier(List<TrustedIssuer> issuers, Clock clock) {
    this.issuers = List.copyOf(issuers);
    this.clock = clock;
  }

  public Future<VerifiedToken> verify(String token, String audience) {
    try {
      VerifiedToken known = verified.get(audience, token);
      if (known != null) {
        checkLifetime(known.claims());
        return Future.succeededFuture(known);
      }
      SignedJWT jwt = parse(token);
      JWTClaimsSet unverified = jwt.getJWTClaimsSet();
      TrustedIssuer issuer = issuerOf(unverified.getIssuer(), audience);
      return issuer
          .key(jwt.getHeader().getKeyID())
          .map(key -> verified.remember(audience, token, checked(jwt, key, issuer, audience)));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    } catch (ParseException e) {
      return Future.failedFuture(refused("The token is malformed."));
    }
  }

  private static SignedJWT parse(String token) throws ParseException {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw refused("A bearer token is required.");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw refused("The token is malformed.");
    }
    for (String part : parts) {
      if (!canonicalBase64Url(part)) {
        throw refused("The token is malformed.");
      }
    }
    JWT jwt = JWTParser.parse(token);
    if (!(jwt instanceof SignedJWT signed)) {
      throw refused("Unsigned tokens are not accepted.");
    }
    if (!ALLOWED.contains(signed.getHeader().getAlgorithm())) {
      throw refused("The token's algorithm is not accepted.");
    }
    return signed;
  }

  /**
   * Unpadded base64url in its one canonical spelling: only the alphabet, no padding, no length that
   * cannot occur, and unused trailing bits zero (re-encoding the decoded bytes gives the same
   * text).
   */
  static boolean canonicalBase64Url(String part) {
    if (part.isEmpty() || part.length() % 4 == 1 || !BASE64URL.matcher(part).matches()) {
      return false;
    }
    try {
      return ENCODER.encodeToString(DECODER.decode(part)).equals(part);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private TrustedIssuer issuerOf(String iss, String audience) {
    for (TrustedIssuer candidate : issuers) {
      if (candidate.issuer().equals(iss) && candidate.serves(audience)) {
        return candidate;
      }
    }
    throw refused("The token's issuer is not trusted.");
  }

  private VerifiedToken checked(SignedJWT jwt, JWK key, TrustedIssuer issuer, String audience) {
    if (key == null) {
      throw refused("The token's signing key is unknown.");
    }
    if (!signatureValid(jwt, key)) {
      throw refused("The token's signature is invalid.");
    }
    // Our own tokens are always low-S; external issuers (often Go's crypto/ecdsa) do not normalise
    // S, so for them the high-S twin of a valid token is tolerated (it names the same claims).
    if (issuer instanceof LocalIssuer
        && JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())
        && LowS.isHighS(jwt.getSignature().decode())) {
      throw refused("The token's signature is not in its canonical (low-S) form.");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refused("The token is malformed.");
    }
    checkLifetime(claims);
    String expectedAudience =
        issuer instanceof JwksIssuer external ? external.audience() : audience;
    if (claims.getAudience() == null || !claims.getAudience().contains(expectedAudience)) {
      throw refused("The token is not meant for this service.");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw refused("The token has no subject.");
    }
    return new VerifiedToken(userIdOf(issuer, subject), issuer.issuer(), claims);
  }

  private void checkLifetime(JWTClaimsSet claims) {
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null || exp.toInstant().plus(LEEWAY).isBefore(now)) {
      throw refused("The token has expired.");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().minus(LEEWAY).isAfter(now)) {
      throw refused("The token is not valid yet.");
    }
  }

  private static boolean signatureValid(SignedJWT jwt, JWK key) {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    try {
      JWSVerifier verifier;
      if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECKey ec) {
        verifier = new ECDSAVerifier(ec.toECPublicKey());
      } else if (JWSAlgorithm.RS256.equals(alg) && key instanceof RSAKey rsa) {
        verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
      } else {
        return false;
      }
      return jwt.verify(verifier);
    } catch (JOSEException e) {
      return false;
    }
  }

  /** Our users are UUIDs; an external subject that is not one maps to a stable name-based UUID. */
  static UUID userIdOf(TrustedIssuer issuer, String subject) {
    if (issuer instanceof LocalIssuer) {
      try {
        return UUID.fromString(subject);
      } catch (IllegalArgumentException e) {
        throw refused("The token has no valid subject.");
      }
    }
    try {
      return UUID.fromString(subject);
    } catch (IllegalArgumentException e) {
      return UUID.nameUUIDFromBytes(
          (issuer.issuer() + "|" + subject).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static ApiException refused(String detail) {
    return Problems.unauthorized(detail);
  }
}
