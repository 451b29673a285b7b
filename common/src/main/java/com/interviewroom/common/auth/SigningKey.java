package com.interviewroom.common.auth;

import com.interviewroom.common.crypto.KeyFile;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.UUID;

/**
 * The built-in issuer's ES256 key pair. It persists in the data directory so tokens survive a
 * restart; the private half never leaves this class except to sign.
 */
public final class SigningKey {
  private final ECKey key;

  private SigningKey(ECKey key) {
    this.key = key;
  }

  public static SigningKey generate() {
    try {
      return new SigningKey(
          new ECKeyGenerator(Curve.P_256)
              .keyID(UUID.randomUUID().toString())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.ES256)
              .generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key", e);
    }
  }

  /**
   * Loads the key from {@code file}, creating it (owner-only permissions) on first start; processes
   * starting at once on one data directory all get the same key. Blocking.
   */
  public static SigningKey loadOrCreate(Path file) {
    String json = KeyFile.loadOrCreate(file, () -> generate().key.toJSONString());
    try {
      return new SigningKey(ECKey.parse(json));
    } catch (ParseException e) {
      throw new IllegalStateException("the signing key at " + file + " is not a JWK", e);
    }
  }

  ECKey privateKey() {
    return key;
  }

  public ECKey publicKey() {
    return key.toPublicJWK();
  }

  public String keyId() {
    return key.getKeyID();
  }

  /** What {@code /.well-known/jwks.json} serves. */
  public JWKSet publicJwks() {
    return new JWKSet(publicKey());
  }
}
