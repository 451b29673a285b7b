package com.interviewroom.launcher.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The embedded Redis's start against the kernel's ETXTBSY: an executable that some process still
 * holds open for writing cannot be run (what a child forked by another thread does to the binary
 * embedded-redis has just written, until that child execs).
 */
class EmbeddedRedisStartTest {

  @Test
  @DisplayName(
      "an exec refused with 'Text file busy' while another process holds the binary open for writing is tried again, and runs once the writer lets go")
  void busyTextIsRetried() throws Exception {
    Path binary = executable();
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch held = new CountDownLatch(1);
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (FileOutputStream open = new FileOutputStream(binary.toFile(), true)) {
                    held.countDown();
                    Thread.sleep(300);
                  } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
    held.await();
    EmbeddedRedis.startRetryingBusyText(
        () -> {
          attempts.incrementAndGet();
          run(binary);
        });
    writer.join();
    assertThat(attempts.get()).as("refused while held, then run").isGreaterThan(1);
  }

  @Test
  @DisplayName("any other failure to start is not retried")
  void otherFailuresAreNot() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                EmbeddedRedis.startRetryingBusyText(
                    () -> {
                      attempts.incrementAndGet();
                      throw new IOException("Failed to start Redis service");
                    }))
        .hasMessage("Failed to start Redis service");
    assertThat(attempts.get()).isEqualTo(1);
  }

  private static Path executable() throws IOException {
    Path binary =
        Files.createTempFile(
            "busy-text",
            ".sh",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.writeString(binary, "#!/bin/sh\nexit 0\n");
    binary.toFile().deleteOnExit();
    return binary;
  }

  private static void run(Path binary) throws IOException {
    try {
      int exit = new ProcessBuilder(binary.toString()).start().waitFor();
      assertThat(exit).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
