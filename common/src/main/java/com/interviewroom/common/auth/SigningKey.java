package com.interviewroom.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
   * Loads the key from {@code file}, creating it (owner-only permissions) on first start. Blocking.
   */
  public static SigningKey loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return new SigningKey(ECKey.parse(Files.readString(file)));
      }
      Files.createDirectories(file.getParent());
      SigningKey created = generate();
      Path tmp = Files.createTempFile(file.getParent(), "jwt", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system; the data directory's own permissions apply
      }
      Files.writeString(tmp, created.key.toJSONString());
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return created;
    } catch (IOException | ParseException e) {
      throw new IllegalStateException("cannot load or create the signing key at " + file, e);
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
