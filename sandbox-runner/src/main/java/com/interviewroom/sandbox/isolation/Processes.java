package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The runner's processes by owner: how it finds whatever a stuck run left behind. */
public final class Processes {
  private Processes() {}

  /**
   * SIGKILLs every process of this runner (its descendants) whose real uid is {@code uid}, until
   * none is left (bounded attempts). Another instance's processes of the same uid are never
   * touched.
   */
  public static void killUid(int uid) {
    for (int attempt = 0; attempt < 50; attempt++) {
      List<ProcessHandle> owned =
          ProcessHandle.current().descendants().filter(p -> realUid(p.pid()) == uid).toList();
      if (owned.isEmpty()) {
        return;
      }
      owned.forEach(ProcessHandle::destroyForcibly);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Whether a process of that id exists (in this pid namespace). */
  public static boolean alive(long pid) {
    return Files.exists(Path.of("/proc", Long.toString(pid)));
  }

  private static int realUid(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // The process ended while we looked.
    }
    return -1;
  }
}
