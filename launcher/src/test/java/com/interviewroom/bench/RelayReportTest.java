package com.interviewroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.bench.RelayReport.Level;
import com.interviewroom.bench.RelayReport.Mode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RelayReportTest {

  /** 100 round trips of 1 ms, the two slowest {@code p99Ms} (nearest rank puts p99 on the 99th). */
  private static Level level(Mode mode, long p99Ms, long lost, long heap) {
    return level(1000, mode, p99Ms, lost, heap);
  }

  private static Level level(int sessions, Mode mode, long p99Ms, long lost, long heap) {
    long[] latencies = new long[100];
    java.util.Arrays.fill(latencies, 1_000_000L);
    latencies[98] = p99Ms * 1_000_000L;
    latencies[99] = p99Ms * 1_000_000L;
    return new Level(
        sessions, mode, sessions, latencies, 100_000, lost, 0, 0, 0, 0, 0, 0.5, heap, 0.5, 0.3, 0.2,
        1.1);
  }

  @Test
  @DisplayName(
      "the added p99 is relay minus direct, and each target is judged at the largest level")
  void targets() {
    String met =
        RelayReport.targets(
            List.of(level(Mode.DIRECT, 4, 0, -1), level(Mode.RELAY, 12, 0, 150 * 1024)));
    assertThat(met)
        .contains("added p99 ≤ 10 ms: **met** (8.00 ms)")
        .contains("zero lost or reordered frames: **met**")
        .contains("heap per session: **met** (150 KB)");

    String missed =
        RelayReport.targets(
            List.of(level(Mode.DIRECT, 4, 0, -1), level(Mode.RELAY, 30, 2, 300 * 1024)));
    assertThat(missed)
        .contains("added p99 ≤ 10 ms: **not met** (26.00 ms)")
        .contains("zero lost or reordered frames: **not met** (2 lost")
        .contains("heap per session: **not met** (300 KB)");

    String at500 =
        RelayReport.targets(
            List.of(level(500, Mode.DIRECT, 4, 0, -1), level(500, Mode.RELAY, 12, 0, 150 * 1024)));
    assertThat(at500)
        .as("5 ms up to 500 sessions")
        .contains("added p99 ≤ 5 ms: **not met** (8.00 ms)");
  }

  @Test
  @DisplayName("the section replaces only its own part of the file, or is appended when missing")
  void replacesItsSection() {
    String section = RelayReport.HEADING + "\n\nnew figures\n";
    String doc =
        "# Benchmarks\n\n## Edge API\n\nedge\n\n"
            + RelayReport.HEADING
            + "\n\nold figures\n\n## Sandbox runner\n\nsandbox\n";
    assertThat(RelayReport.replaceSection(doc, section))
        .isEqualTo(
            "# Benchmarks\n\n## Edge API\n\nedge\n\n"
                + RelayReport.HEADING
                + "\n\nnew figures\n\n## Sandbox runner\n\nsandbox\n");
    assertThat(RelayReport.replaceSection("# Benchmarks\n\n## Edge API\n\nedge\n", section))
        .isEqualTo(
            "# Benchmarks\n\n## Edge API\n\nedge\n\n" + RelayReport.HEADING + "\n\nnew figures\n");
  }
}
