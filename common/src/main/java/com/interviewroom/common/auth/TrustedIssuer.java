package com.interviewroom.common.auth;

import com.nimbusds.jose.jwk.JWK;
import io.vertx.core.Future;

/** An issuer whose tokens we accept, and where its public keys come from. */
public interface TrustedIssuer {
  String issuer();

  /** True when tokens for {@code audience} may come from this issuer. */
  boolean serves(String audience);

  /**
   * The public key with this {@code kid}; a JWKS-backed issuer refreshes its key set once when the
   * id is unknown.
   */
  Future<JWK> key(String keyId);
}
