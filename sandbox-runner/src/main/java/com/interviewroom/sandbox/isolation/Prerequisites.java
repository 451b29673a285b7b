package com.interviewroom.sandbox.isolation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What code execution needs from the host, each missing piece named with what to install. Checked
 * at start-up: a runner that lacks one starts anyway (the rest of a {@code ROLE=all} process keeps
 * working) but refuses runs with 503 {@code sandbox_unavailable} and says why on {@code /health},
 * instead of answering every run with a {@code setpriv: failed to execute /usr/bin/bwrap}.
 */
public final class Prerequisites {
  private Prerequisites() {}

  /** Host tools and privileges without which no sandbox can start at all. */
  public static List<String> missingForAnyRun() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(Path.of("/usr/bin/bwrap"))) {
      missing.add("bubblewrap (/usr/bin/bwrap): apt-get install -y bubblewrap");
    }
    for (String tool : List.of("setpriv", "unshare", "prlimit")) {
      if (!Files.isExecutable(Path.of("/usr/bin", tool))) {
        missing.add(tool + " (/usr/bin/" + tool + "): apt-get install -y util-linux");
      }
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      missing.add(
          "root: the runner must run as root to start each sandbox as its own unprivileged uid");
    }
    if (!"Linux".equals(System.getProperty("os.name"))) {
      missing.add("Linux: sandboxes use Linux namespaces");
    }
    return missing;
  }

  /** The language runtimes this host lacks, named with what to install. */
  public static List<String> missingRuntimes(Runtimes runtimes) {
    List<String> missing = new ArrayList<>();
    if (runtimes.get("python").isEmpty()) {
      missing.add("python3 (/usr/bin/python3): apt-get install -y python3");
    }
    if (runtimes.get("javascript").isEmpty()) {
      missing.add("node (/usr/bin/node): apt-get install -y nodejs");
    }
    if (runtimes.get("java").isEmpty()) {
      missing.add("a JDK 21+ with javac (this JVM's, or under /usr/lib/jvm)");
    }
    return missing;
  }
}
