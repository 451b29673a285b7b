package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runners that are gone (killed, crashed) left on this host: their cgroups with any process
 * still in them, their slot tmpfs mounts and their directories. Each runner names all three {@code
 * interviewroom-sandbox-<pid>-<n>}; a name whose pid no longer exists is swept at start-up.
 */
public final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);
  public static final String PREFIX = "interviewroom-sandbox-";
  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

  private Leftovers() {}

  /** The runner pid in a name {@code interviewroom-sandbox-<pid>-<n>}, or -1 for any other name. */
  static long ownerPid(String name) {
    if (!name.startsWith(PREFIX)) {
      return -1;
    }
    String[] parts = name.substring(PREFIX.length()).split("-");
    try {
      return parts.length == 2 ? Long.parseLong(parts[0]) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean abandoned(String name) {
    long pid = ownerPid(name);
    return pid > 0 && !Processes.alive(pid);
  }

  /**
   * Sweeps every abandoned runner's cgroups, mounts and directories under {@code tmpDir}; returns
   * how many things went.
   */
  public static int sweep(Path tmpDir) {
    int swept = sweepCgroups() + sweepMounts(tmpDir) + sweepDirs(tmpDir);
    if (swept > 0) {
      log.warn(
          "swept {} cgroups, mounts and directories left by sandbox runners that are gone", swept);
    }
    return swept;
  }

  /** Kills whatever still runs in an abandoned runner's cgroups, then removes them. */
  static int sweepCgroups() {
    String self;
    try {
      self = Files.readString(Path.of("/proc/self/cgroup"));
    } catch (IOException e) {
      return 0;
    }
    int swept = 0;
    for (String controller : List.of("pids", "memory", "cpu")) {
      Path parent;
      try {
        parent = CGROUP_ROOT.resolve(controller).resolve(Cgroups.relativePath(self, controller));
      } catch (RuntimeException noV1) {
        continue;
      }
      for (Path runner : children(parent)) {
        if (!abandoned(runner.getFileName().toString())) {
          continue;
        }
        for (Path run : children(runner)) {
          killMembers(run);
          swept += remove(run);
        }
        swept += remove(runner);
      }
    }
    return swept;
  }

  private static void killMembers(Path cgroup) {
    for (int attempt = 0; attempt < 100; attempt++) {
      List<Long> members;
      try {
        members =
            Files.readAllLines(cgroup.resolve("cgroup.procs")).stream()
                .filter(l -> !l.isBlank())
                .map(Long::parseLong)
                .toList();
      } catch (IOException | RuntimeException e) {
        return;
      }
      if (members.isEmpty()) {
        return;
      }
      members.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      sleep(10);
    }
  }

  /** Detaches the slot tmpfs mounts of abandoned runners. */
  static int sweepMounts(Path tmpDir) {
    int swept = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        if (fields.length < 5) {
          continue;
        }
        Path mountPoint = Path.of(unescape(fields[4]));
        if (mountPoint.startsWith(tmpDir)
            && mountPoint.getNameCount() > tmpDir.getNameCount()
            && abandoned(mountPoint.getName(tmpDir.getNameCount()).toString())
            && umount(mountPoint)) {
          swept++;
        }
      }
    } catch (IOException e) {
      log.warn("could not read /proc/self/mountinfo: {}", e.toString());
    }
    return swept;
  }

  static int sweepDirs(Path tmpDir) {
    int swept = 0;
    for (Path dir : children(tmpDir)) {
      if (abandoned(dir.getFileName().toString())) {
        try {
          WorkDirs.deleteTree(dir);
          swept++;
        } catch (IOException e) {
          log.warn("could not remove {}: {}", dir, e.toString());
        }
      }
    }
    return swept;
  }

  private static List<Path> children(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .toList();
    } catch (IOException e) {
      return new ArrayList<>();
    }
  }

  private static int remove(Path cgroup) {
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        Files.deleteIfExists(cgroup);
        return 1;
      } catch (IOException busy) {
        killMembers(cgroup);
        sleep(10);
      }
    }
    log.warn("could not remove the cgroup {}", cgroup);
    return 0;
  }

  private static boolean umount(Path mountPoint) {
    try {
      Process process =
          new ProcessBuilder("/bin/umount", "-l", mountPoint.toString())
              .redirectErrorStream(true)
              .start();
      process.getInputStream().readAllBytes();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  private static String unescape(String field) {
    return field
        .replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
