package com.interviewroom.common.auth;

import com.nimbusds.jose.jwk.JWK;
import io.vertx.core.Future;

/** Our own built-in issuer: its key is in memory; it serves every audience of ours. */
public record LocalIssuer(String issuer, SigningKey signingKey) implements TrustedIssuer {

  @Override
  public boolean serves(String audience) {
    return Audiences.API.equals(audience) || Audiences.REALTIME.equals(audience);
  }

  @Override
  public Future<JWK> key(String keyId) {
    JWK key = signingKey.publicKey();
    return keyId == null || keyId.equals(key.getKeyID())
        ? Future.succeededFuture(key)
        : Future.succeededFuture(null);
  }
}
