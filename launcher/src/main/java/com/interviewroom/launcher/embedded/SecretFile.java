package com.interviewroom.launcher.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A random secret (64 hex characters) generated once and kept in a file readable by its owner only,
 * so every process sharing the data directory agrees on it.
 */
public final class SecretFile {
  private SecretFile() {}

  public static String loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      Files.createDirectories(file.getParent());
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String secret = HexFormat.of().formatHex(bytes);
      Path tmp = Files.createTempFile(file.getParent(), "secret", ".tmp");
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
      throw new IllegalStateException("cannot load or create the secret at " + file, e);
    }
  }
}
