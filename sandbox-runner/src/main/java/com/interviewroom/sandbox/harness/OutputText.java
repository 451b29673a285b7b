package com.interviewroom.sandbox.harness;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** Turns captured bytes into text a candidate may see: valid UTF-8, no harness frames, no host paths. */
public final class OutputText {
  private OutputText() {}

  /** Invalid UTF-8 becomes U+FFFD; nothing after the hidden-tests marker is kept. */
  public static String visible(byte[] bytes, String marker, boolean hiddenRan) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (marker != null) {
      int cut = text.indexOf(marker);
      if (cut >= 0) {
        text = text.substring(0, cut > 0 && text.charAt(cut - 1) == '\n' ? cut - 1 : cut);
      } else if (hiddenRan) {
        // The marker never reached this stream (the candidate redirected it): keep nothing rather than leak.
        text = "";
      }
    }
    return text;
  }

  /** Removes lines that point into the harness and rewrites sandbox paths to bare file names. */
  public static String stripHarness(String text, String hostWorkDir) {
    return text.lines()
        .filter(line -> !line.contains("/harness/") && !line.contains("node:internal") && !line.contains("at Harness"))
        .map(line -> line.replace(hostWorkDir + "/", "").replace("/work/", ""))
        .collect(Collectors.joining("\n", "", text.endsWith("\n") ? "\n" : ""));
  }
}
