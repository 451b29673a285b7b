package com.interviewroom.edge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkReportTest {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "the benchmark replaces only the Edge API section of docs/benchmarks.md, keeping the others")
  void replacesOnlyItsSection() throws Exception {
    Path report = dir.resolve("benchmarks.md");
    Files.writeString(
        report,
        "# Benchmarks\n\n## Sandbox\n\nsandbox figures\n\n## Edge API\n\nold figures\n\n## Realtime\n\nrealtime figures\n");
    EdgeBenchmark.write(report, "## Edge API\n\nnew figures\n");
    String text = Files.readString(report);
    assertThat(text)
        .contains("sandbox figures", "new figures", "realtime figures")
        .doesNotContain("old figures");
    assertThat(text.indexOf("## Sandbox")).isLessThan(text.indexOf("## Edge API"));
    assertThat(text.indexOf("## Edge API")).isLessThan(text.indexOf("## Realtime"));
  }

  @Test
  @DisplayName("a report without an Edge API section gets one appended; a missing file is created")
  void appendsOrCreates() throws Exception {
    Path report = dir.resolve("benchmarks.md");
    EdgeBenchmark.write(report, "## Edge API\n\nfigures\n");
    assertThat(Files.readString(report))
        .startsWith("# Benchmarks")
        .contains("## Edge API\n\nfigures");
    Files.writeString(report, "# Benchmarks\n\n## Sandbox\n\nx\n");
    EdgeBenchmark.write(report, "## Edge API\n\nfigures\n");
    assertThat(Files.readString(report))
        .contains("## Sandbox\n\nx")
        .endsWith("## Edge API\n\nfigures\n");
  }

  private static LoadGenerator.Result result(
      String name, int failed, double throughput, double p99Ms) {
    return new LoadGenerator.Result(
        name,
        1000,
        1000 - failed,
        failed,
        failed == 0 ? 0 : 503,
        1,
        throughput,
        p99Ms / 2,
        p99Ms,
        p99Ms * 2);
  }

  @Test
  @DisplayName(
      "each target is reported met or not met: a failure, a rate not sustained or a p99 over the target is not met")
  void verdicts() {
    assertThat(EdgeBenchmark.verdict("reads", result("r", 0, 998, 9.5), 1000, 1000, 10))
        .contains("**met**");
    assertThat(EdgeBenchmark.verdict("reads", result("r", 0, 998, 10.5), 1000, 1000, 10))
        .contains("**not met**");
    assertThat(EdgeBenchmark.verdict("reads", result("r", 1, 998, 2), 1000, 1000, 10))
        .contains("**not met**");
    assertThat(EdgeBenchmark.verdict("reads", result("r", 0, 700, 2), 1000, 1000, 10))
        .contains("**not met**");
    assertThat(EdgeBenchmark.verdict("reads", result("r", 0, 500, 2), 500, 1000, 10))
        .contains("**not measured**");
  }

  @Test
  @DisplayName(
      "the section holds the load average before and after, a verdict per target and both ratios")
  void section() {
    String section =
        EdgeBenchmark.section(
            result(LoadRunner.READS, 0, 1000, 4),
            result(LoadRunner.STARTS, 0, 200, 40),
            result(LoadRunner.READ_PEAK, 0, 3000, 30),
            result(LoadRunner.BARE_PEAK, 0, 4000, 20),
            result(LoadRunner.BARE_CACHED_PEAK, 0, 6000, 10),
            "1.00, 2.00, 3.00",
            "4.00, 5.00, 6.00");
    assertThat(section)
        .startsWith("## Edge API")
        .contains("before: 1.00, 2.00, 3.00; after: 4.00, 5.00, 6.00")
        .contains("- reads: p99 ≤ 10 ms at 1,000 req/s: **met**")
        .contains("- session start: p99 ≤ 30 ms at 200 req/s: **not met**")
        .contains("same query: **0.75**")
        .contains("edge overhead only): **0.50**");
  }
}
