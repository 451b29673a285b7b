package com.interviewroom.edge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkReportTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("the benchmark replaces only the Edge API section of docs/benchmarks.md, keeping the others")
  void replacesOnlyItsSection() throws Exception {
    Path report = dir.resolve("benchmarks.md");
    Files.writeString(report, "# Benchmarks\n\n## Sandbox\n\nsandbox figures\n\n## Edge API\n\nold figures\n\n## Realtime\n\nrealtime figures\n");
    EdgeBenchmark.write(report, "## Edge API\n\nnew figures\n");
    String text = Files.readString(report);
    assertThat(text).contains("sandbox figures", "new figures", "realtime figures").doesNotContain("old figures");
    assertThat(text.indexOf("## Sandbox")).isLessThan(text.indexOf("## Edge API"));
    assertThat(text.indexOf("## Edge API")).isLessThan(text.indexOf("## Realtime"));
  }

  @Test
  @DisplayName("a report without an Edge API section gets one appended; a missing file is created")
  void appendsOrCreates() throws Exception {
    Path report = dir.resolve("benchmarks.md");
    EdgeBenchmark.write(report, "## Edge API\n\nfigures\n");
    assertThat(Files.readString(report)).startsWith("# Benchmarks").contains("## Edge API\n\nfigures");
    Files.writeString(report, "# Benchmarks\n\n## Sandbox\n\nx\n");
    EdgeBenchmark.write(report, "## Edge API\n\nfigures\n");
    assertThat(Files.readString(report)).contains("## Sandbox\n\nx").endsWith("## Edge API\n\nfigures\n");
  }
}
