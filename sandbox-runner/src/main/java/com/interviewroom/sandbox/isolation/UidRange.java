package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The block of host uids one runner's sandboxes run as, held exclusively for the runner's life by a
 * lock on {@code <tmp>/interviewroom-sandbox-uids/<first uid>.lock}: several instances on one host
 * (a developer's server next to the test suite, two CI jobs) never share a uid, so one's processes,
 * files and process-count limit never touch another's. The kernel drops the lock when the process
 * dies, so a crashed runner's block is free again.
 *
 * <p>Slot {@code i} runs as {@code first + i}, its compiler as {@code first + 100 + i}.
 */
public final class UidRange implements AutoCloseable {
  /**
   * Above the fixed 65000-65199 of older runners, which may still run next to this one on a shared
   * host.
   */
  public static final int FIRST = 100_000;

  public static final int SIZE = 256;
  public static final int COMPILER_OFFSET = 100;
  private static final int BLOCKS = 64;

  private final int first;
  private final FileChannel channel;
  private final FileLock lock;

  private UidRange(int first, FileChannel channel, FileLock lock) {
    this.first = first;
    this.channel = channel;
    this.lock = lock;
  }

  /** Claims the first free block (100000, 100256, ...). */
  public static UidRange claim(Path tmpDir) throws IOException {
    Path dir = Files.createDirectories(tmpDir.resolve("interviewroom-sandbox-uids"));
    for (int block = 0; block < BLOCKS; block++) {
      int first = FIRST + block * SIZE;
      FileChannel channel =
          FileChannel.open(
              dir.resolve(first + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new UidRange(first, channel, lock);
        }
      } catch (OverlappingFileLockException heldInThisJvm) {
        // another runner in this JVM holds it
      }
      channel.close();
    }
    throw new IOException(
        "all "
            + BLOCKS
            + " sandbox uid blocks from "
            + FIRST
            + " are held by other runners on this host");
  }

  public int first() {
    return first;
  }

  public int slotUid(int slot) {
    return first + slot;
  }

  public int compilerUid(int slot) {
    return first + COMPILER_OFFSET + slot;
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // released with the process anyway
    }
  }
}
