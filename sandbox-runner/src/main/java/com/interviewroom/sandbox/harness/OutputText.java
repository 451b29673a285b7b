package com.interviewroom.sandbox.harness;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * Turns captured bytes into text a candidate may see: valid UTF-8, no harness frames, no host
 * paths.
 */
public final class OutputText {
  private OutputText() {}

  /** Invalid UTF-8 becomes U+FFFD. */
  public static String visible(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * What util-linux {@code unshare --kill-child} (outside the sandbox, sharing its stderr) prints
   * when it passes on the SIGKILL that ended a sandbox: the runner's plumbing, not the candidate's
   * output.
   */
  static final String UNSHARE_KILLED = "unshare: sigprocmask unblock failed: Invalid argument";

  /**
   * Removes lines that point into the harness or come from its wrappers, and rewrites sandbox paths
   * to bare file names.
   */
  public static String stripHarness(String text, String hostWorkDir) {
    // Written after the sandbox died, so always last, and glued to the candidate's last line when
    // that had no newline.
    String wrapper = UNSHARE_KILLED + "\n";
    String own =
        text.endsWith(wrapper) ? text.substring(0, text.length() - wrapper.length()) : text;
    return own.lines()
        .filter(
            line ->
                !line.contains("/harness/")
                    && !line.contains("node:internal")
                    && !line.contains("at Harness"))
        .map(line -> line.replace(hostWorkDir + "/", "").replace("/work/", ""))
        .collect(Collectors.joining("\n", "", own.endsWith("\n") ? "\n" : ""));
  }
}
