package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The internal webhook secret of the embedded default: outside production, when
 * {@code INTERNAL_WEBHOOK_SECRET} is unset, one is generated once and kept at
 * {@code DATA_DIR/keys/internal-webhook-secret}, so every process sharing the data directory agrees.
 * Production refuses to start without the variable ({@code Config.from}).
 */
final class InternalSecret {
  private InternalSecret() {}

  static Config ensure(Config config) {
    if (config.internalWebhookSecret() != null) {
      return config;
    }
    return config.withInternalWebhookSecret(loadOrCreate(config.dataDir().resolve("keys/internal-webhook-secret")));
  }

  static String loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      Files.createDirectories(file.getParent());
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String secret = HexFormat.of().formatHex(bytes);
      Path tmp = Files.createTempFile(file.getParent(), "internal", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system; the data directory's own permissions apply
      }
      Files.writeString(tmp, secret);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        // another process created it first: use theirs
        Files.deleteIfExists(tmp);
      }
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot load or create the internal webhook secret at " + file, e);
    }
  }
}
