package com.interviewroom.sandbox.harness;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** Turns captured bytes into text a candidate may see: valid UTF-8, no harness frames, no host paths. */
public final class OutputText {
  private OutputText() {}

  /** Invalid UTF-8 becomes U+FFFD. */
  public static String visible(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Removes lines that point into the harness and rewrites sandbox paths to bare file names. */
  public static String stripHarness(String text, String hostWorkDir) {
    return text.lines()
        .filter(line -> !line.contains("/harness/") && !line.contains("node:internal") && !line.contains("at Harness"))
        .map(line -> line.replace(hostWorkDir + "/", "").replace("/work/", ""))
        .collect(Collectors.joining("\n", "", text.endsWith("\n") ? "\n" : ""));
  }
}
