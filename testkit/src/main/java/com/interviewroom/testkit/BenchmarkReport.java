package com.interviewroom.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code docs/benchmarks.md}, written by every benchmark: each owns one {@code ## } section, which
 * a new run replaces whole (so the figures in the file are always one run's), leaving the others.
 */
public final class BenchmarkReport {
  private BenchmarkReport() {}

  /**
   * Replaces the section whose heading is {@code section}'s first line, or appends it; a missing
   * file is created.
   */
  public static void write(Path report, String section) throws IOException {
    String existing =
        Files.exists(report) ? Files.readString(report, StandardCharsets.UTF_8) : "# Benchmarks\n";
    Path parent = report.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(report, replaceSection(existing, section), StandardCharsets.UTF_8);
  }

  /**
   * {@code existing} with the section (up to the next {@code ## } heading) replaced by {@code
   * section}, or with it appended.
   */
  public static String replaceSection(String existing, String section) {
    String heading =
        section
            .lines()
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("empty section"));
    if (!heading.startsWith("## ")) {
      throw new IllegalArgumentException("a section starts with a '## ' heading: " + heading);
    }
    String body = section.stripTrailing() + "\n";
    int start =
        existing.startsWith(heading + "\n") ? 0 : existing.indexOf("\n" + heading + "\n") + 1;
    if (start == 0 && !existing.startsWith(heading + "\n")) {
      return existing.stripTrailing() + "\n\n" + body; // not there yet
    }
    int next = existing.indexOf("\n## ", start + heading.length());
    return existing.substring(0, start)
        + body
        + (next < 0 ? "" : "\n" + existing.substring(next + 1));
  }

  /** The machine's load average (1, 5, 15 min), for the conditions line of a section. */
  public static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " / " + fields[1] + " / " + fields[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT,
          "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
