package com.interviewroom.sandbox.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22 B: the clean-up never depends on the shape of the candidate's tree. */
class WorkDirsTest {
  @TempDir Path dir;

  /**
   * Builds a chain of nested directories the way a candidate does (chdir as it goes), so its path
   * may pass PATH_MAX.
   */
  private void nest(int depth, String name) throws Exception {
    Process python =
        new ProcessBuilder(
                "python3",
                "-c",
                "import os\nfor i in range("
                    + depth
                    + "):\n    os.mkdir('"
                    + name
                    + "')\n    os.chdir('"
                    + name
                    + "')\nopen('deep', 'w').write('x')\n")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(python.getInputStream().readAllBytes());
    assertThat(python.waitFor(30, TimeUnit.SECONDS) && python.exitValue() == 0).as(output).isTrue();
  }

  @Test
  @DisplayName(
      "a tree of 250-character names far past PATH_MAX is emptied (a walk by path cannot even delete it), and the mode is 0700 again")
  void emptiesPastPathMax() throws Exception {
    nest(24, "d".repeat(250));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> WorkDirs.deleteTree(dir.resolve("d".repeat(250))))
        .as("the old clean-up, by path")
        .isInstanceOf(IOException.class);
    WorkDirs.empty(dir);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.toList()).isEmpty();
    }
    assertThat(Files.getPosixFilePermissions(dir))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  @DisplayName(
      "a tree deeper than MAX_DEPTH is refused with an IOException, so the caller replaces the slot")
  void refusesTooDeep() throws Exception {
    nest(WorkDirs.MAX_DEPTH + 5, "d");
    assertThatThrownBy(() -> WorkDirs.empty(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("deeper than");
  }
}
