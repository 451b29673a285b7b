package com.interviewroom.common.crypto;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * A key or secret kept in the data directory, readable by its owner only, created once by whichever
 * process sharing the directory comes first. Several processes start at once (an edge and realtime
 * nodes on one host): each must end up with the same content, so the file is published with a hard
 * link, which fails when the name exists, never with a rename, which silently replaces it and
 * leaves the loser holding a key nobody else has.
 */
public final class KeyFile {
  private KeyFile() {}

  /** The file's content, creating it from {@code generate} when absent. Blocking. */
  public static String loadOrCreate(Path file, Supplier<String> generate) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file);
      }
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system; the data directory's own permissions apply
        }
        Files.writeString(tmp, generate.get());
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException raced) {
        // another process published first: everyone uses theirs
      } finally {
        Files.deleteIfExists(tmp);
      }
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot load or create " + file, e);
    }
  }
}
