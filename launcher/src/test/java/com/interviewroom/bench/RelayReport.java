package com.interviewroom.bench;

import com.interviewroom.testkit.BenchmarkReport;
import java.util.List;
import java.util.Locale;

/**
 * The {@code ## Voice relay (full gateway)} section of {@code docs/benchmarks.md}, and its
 * replacement in that file.
 */
final class RelayReport {
  static final String HEADING = "## Voice relay (full gateway)";

  /** Issue 16's targets: added p99 at most 5 ms up to 500 sessions, 10 ms at 1,000. */
  static double targetAddedP99Ms(int sessions) {
    return sessions <= 500 ? 5 : 10;
  }

  static final long TARGET_HEAP_BYTES = 200 * 1024;

  enum Mode {
    DIRECT,
    RELAY
  }

  /**
   * One mode at one level. {@code opened} sockets of {@code sessions} asked for; CPU figures are
   * cores busy during the measured window; heap and server CPU are NaN/-1 for the direct mode.
   */
  record Level(
      int sessions,
      Mode mode,
      int opened,
      long[] sortedLatencies,
      long sent,
      long lost,
      long reordered,
      long unexpectedCloses,
      long errorMessages,
      long droppedByServer,
      long skippedTicks,
      double serverCpuMsPerSessionSecond,
      long heapBytesPerSession,
      double serverCores,
      double fakeCores,
      double generatorCores,
      double machineCores) {
    double p50() {
      return FrameTracker.percentileMs(sortedLatencies, 0.50);
    }

    double p99() {
      return FrameTracker.percentileMs(sortedLatencies, 0.99);
    }
  }

  private RelayReport() {}

  static String section(String header, List<Level> levels, String footer) {
    StringBuilder out =
        new StringBuilder(HEADING).append("\n\n").append(header.strip()).append("\n\n");
    out.append(
        "| sessions | mode | p50 ms | p99 ms | frames | lost | reordered | server CPU ms per session-second | heap per session |\n");
    out.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    levels.forEach(l -> out.append(row(l)).append('\n'));
    out.append('\n');
    for (Level relay : levels) {
      Level direct = baseline(levels, relay);
      if (relay.mode() != Mode.RELAY || direct == null) {
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT,
              "- %,d sessions: **added p50 %.2f ms, added p99 %.2f ms**; sockets opened %,d of %,d, closed unexpectedly %,d, "
                  + "error messages %,d, audio frames dropped by the server for slow readers %,d, "
                  + "ticks the generator skipped (its own loop late, as a browser skips them) %,d; "
                  + "cores busy in the relay window: server %.2f, fake provider %.2f, generator %.2f, "
                  + "whole machine %.2f of %d%n",
              relay.sessions(),
              relay.p50() - direct.p50(),
              relay.p99() - direct.p99(),
              relay.opened(),
              relay.sessions(),
              relay.unexpectedCloses(),
              relay.errorMessages(),
              relay.droppedByServer(),
              relay.skippedTicks(),
              relay.serverCores(),
              relay.fakeCores(),
              relay.generatorCores(),
              relay.machineCores(),
              Runtime.getRuntime().availableProcessors()));
    }
    out.append('\n').append(targets(levels)).append("\n\n").append(footer.strip()).append('\n');
    return out.toString();
  }

  static String row(Level l) {
    boolean relay = l.mode() == Mode.RELAY;
    return String.format(
        Locale.ROOT,
        "| %,d | %s | %.2f | %.2f | %,d | %,d | %,d | %s | %s |",
        l.sessions(),
        relay ? "relay" : "direct",
        l.p50(),
        l.p99(),
        l.sortedLatencies().length,
        l.lost(),
        l.reordered(),
        relay ? String.format(Locale.ROOT, "%.3f", l.serverCpuMsPerSessionSecond()) : "-",
        relay ? kb(l.heapBytesPerSession()) : "-");
  }

  /** The targets, judged at the largest relay level measured. */
  static String targets(List<Level> levels) {
    Level top =
        levels.stream()
            .filter(l -> l.mode() == Mode.RELAY)
            .max(java.util.Comparator.comparingInt(Level::sessions))
            .orElse(null);
    Level direct = top == null ? null : baseline(levels, top);
    if (direct == null) {
      return "Targets: not judged (no relay level with its baseline).";
    }
    double addedP99 = top.p99() - direct.p99();
    boolean clean =
        top.lost() == 0
            && top.reordered() == 0
            && top.opened() == top.sessions()
            && top.unexpectedCloses() == 0;
    return String.format(
        Locale.ROOT,
        "Targets at %,d sessions: added p99 ≤ %.0f ms: **%s** (%.2f ms); zero lost or reordered frames: **%s** (%,d lost, %,d reordered);"
            + " ≤ %d KB heap per session: **%s** (%s).",
        top.sessions(),
        targetAddedP99Ms(top.sessions()),
        addedP99 <= targetAddedP99Ms(top.sessions()) ? "met" : "not met",
        addedP99,
        clean ? "met" : "not met",
        top.lost(),
        top.reordered(),
        TARGET_HEAP_BYTES / 1024,
        top.heapBytesPerSession() >= 0 && top.heapBytesPerSession() <= TARGET_HEAP_BYTES
            ? "met"
            : "not met",
        kb(top.heapBytesPerSession()));
  }

  private static Level baseline(List<Level> levels, Level relay) {
    return levels.stream()
        .filter(l -> l.mode() == Mode.DIRECT && l.sessions() == relay.sessions())
        .findFirst()
        .orElse(null);
  }

  private static String kb(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
  }

  /**
   * Replaces this section of {@code existing} (up to the next {@code ## } heading), or appends it;
   * other sections stay as they are.
   */
  static String replaceSection(String existing, String section) {
    return BenchmarkReport.replaceSection(existing, section);
  }
}
