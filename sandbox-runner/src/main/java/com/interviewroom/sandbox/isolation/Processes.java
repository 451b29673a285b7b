package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Host processes by owner: how the runner finds whatever a stuck or crashed run left behind. */
public final class Processes {
  private Processes() {}

  /** SIGKILLs every process whose real uid is {@code uid} until none is left (bounded attempts). */
  public static void killUid(int uid) {
    for (int attempt = 0; attempt < 50; attempt++) {
      List<Long> pids = ownedBy(uid);
      if (pids.isEmpty()) {
        return;
      }
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Process ids whose real uid is {@code uid}, read from {@code /proc/<pid>/status}. */
  public static List<Long> ownedBy(int uid) {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        if (realUid(p) == uid) {
          found.add(Long.parseLong(p.getFileName().toString()));
        }
      });
    } catch (IOException e) {
      return List.of();
    }
    return found;
  }

  private static int realUid(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
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
