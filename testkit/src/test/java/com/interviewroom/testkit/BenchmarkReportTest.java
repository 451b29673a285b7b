package com.interviewroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkReportTest {
  @TempDir Path dir;

  @Test
  @DisplayName("a run replaces only its own section, whole, and keeps the others in place")
  void replacesOnlyItsSection() {
    String existing =
        "# Benchmarks\n\n## Sandbox\n\nsandbox figures\n\n## Edge API\n\nold figures\nmore old\n\n## Realtime\n\nrealtime figures\n";
    String text = BenchmarkReport.replaceSection(existing, "## Edge API\n\nnew figures\n");
    assertThat(text)
        .isEqualTo(
            "# Benchmarks\n\n## Sandbox\n\nsandbox figures\n\n## Edge API\n\nnew figures\n\n## Realtime\n\nrealtime figures\n");
  }

  @Test
  @DisplayName(
      "a heading that only starts like another (Edge API vs Edge API cache) is not mistaken for it")
  void exactHeadingOnly() {
    String existing = "# Benchmarks\n\n## Edge API cache\n\nkeep\n";
    assertThat(BenchmarkReport.replaceSection(existing, "## Edge API\n\nnew\n"))
        .isEqualTo("# Benchmarks\n\n## Edge API cache\n\nkeep\n\n## Edge API\n\nnew\n");
  }

  @Test
  @DisplayName(
      "the last section is replaced to the end of the file; a missing file is created with the section")
  void lastSectionAndNewFile() throws Exception {
    assertThat(BenchmarkReport.replaceSection("# B\n\n## A\n\nx\n\n## Z\n\nold\n", "## Z\n\nnew"))
        .isEqualTo("# B\n\n## A\n\nx\n\n## Z\n\nnew\n");
    Path report = dir.resolve("docs/benchmarks.md");
    BenchmarkReport.write(report, "## Z\n\nfigures\n");
    assertThat(Files.readString(report)).isEqualTo("# Benchmarks\n\n## Z\n\nfigures\n");
  }

  @Test
  @DisplayName("a section without a '## ' heading is refused")
  void needsHeading() {
    assertThatThrownBy(() -> BenchmarkReport.replaceSection("# B\n", "figures\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
