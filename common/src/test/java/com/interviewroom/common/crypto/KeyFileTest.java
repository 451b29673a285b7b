package com.interviewroom.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.auth.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
  private static final int STARTERS = 6;
  private static final int ROUNDS = 40;

  @TempDir Path dataDir;

  @Test
  @DisplayName("created once with owner-only permissions, then read back unchanged")
  void createdOnceThenRead() throws Exception {
    Path file = dataDir.resolve("keys/secret");
    assertThat(KeyFile.loadOrCreate(file, () -> "first")).isEqualTo("first");
    assertThat(KeyFile.loadOrCreate(file, () -> "second")).isEqualTo("first");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.list(file.getParent())).as("no temporary file left").hasSize(1);
  }

  @Test
  @DisplayName(
      "processes starting at once on one data directory all get the same secret (a rename would let the last one replace what the others already use)")
  void simultaneousStartsAgree() throws Exception {
    assertAgree(file -> KeyFile.loadOrCreate(file, () -> UUID.randomUUID().toString()));
  }

  @Test
  @DisplayName("an edge and realtime nodes starting at once sign and verify with one key")
  void simultaneousSigningKeysAgree() throws Exception {
    assertAgree(file -> SigningKey.loadOrCreate(file).keyId());
  }

  private void assertAgree(Function<Path, String> start) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(STARTERS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        Path file = dataDir.resolve("round-" + round + "/keys/key");
        CyclicBarrier together = new CyclicBarrier(STARTERS);
        List<Future<String>> starts = new ArrayList<>();
        for (int i = 0; i < STARTERS; i++) {
          starts.add(
              pool.submit(
                  () -> {
                    together.await();
                    return start.apply(file);
                  }));
        }
        Set<String> seen = new HashSet<>();
        for (Future<String> s : starts) {
          seen.add(s.get());
        }
        assertThat(seen).as("round %d", round).hasSize(1);
        assertThat(start.apply(file)).as("what a later start reads").isIn(seen);
        assertThat(Files.list(file.getParent()).map(Path::getFileName).map(Path::toString))
            .as("no temporary file left")
            .containsExactly("key");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
