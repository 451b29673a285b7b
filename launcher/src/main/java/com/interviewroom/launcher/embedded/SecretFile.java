package com.interviewroom.launcher.embedded;

import com.interviewroom.common.crypto.KeyFile;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A random secret (64 hex characters) generated once and kept in a file readable by its owner only,
 * so every process sharing the data directory agrees on it.
 */
public final class SecretFile {
  private SecretFile() {}

  public static String loadOrCreate(Path file) {
    return KeyFile.loadOrCreate(file, SecretFile::random).trim();
  }

  private static String random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
