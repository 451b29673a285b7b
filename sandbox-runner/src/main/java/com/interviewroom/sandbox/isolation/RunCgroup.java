package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One run's cgroups. Every process the run starts is in {@link #pids}, so killing them all is
 * exact.
 */
public record RunCgroup(Path memory, Path pids, Path cpu) {

  /**
   * cgroup v1 {@code cpu.shares}: the default, and the weight of background work (an observer's
   * compile).
   */
  public static final int NORMAL_SHARES = 1024;

  public static final int BACKGROUND_SHARES = 64;

  /**
   * Sets the group's CPU weight among its siblings (every run's and compiler's group): at 64
   * against 1024 a background compile gets about 6 % of a contended core. Nice values would not do:
   * they only order processes within one group.
   */
  public void cpuWeight(int shares) throws IOException {
    Cgroups.write(cpu.resolve("cpu.shares"), shares);
  }

  /** The {@code cgroup.procs} files a launcher writes its own pid into before exec. */
  public List<String> procsFiles() {
    return List.of(
        memory.resolve("cgroup.procs").toString(),
        pids.resolve("cgroup.procs").toString(),
        cpu.resolve("cgroup.procs").toString());
  }

  /** SIGKILLs every process in the group until it is empty; a fork bomb cannot outrun pids.max. */
  public void killAll() {
    killAllExcept(-1);
  }

  /**
   * SIGKILLs every member but {@code spare} (our direct child, the outer pid namespace's parent,
   * which must stay alive to reap that namespace's init and then exit by itself: killed, it would
   * leave the init as a zombie for the host's pid 1).
   */
  public void killAllExcept(long spare) {
    for (int attempt = 0; attempt < 200; attempt++) {
      List<Long> pids = members().stream().filter(pid -> pid != spare).toList();
      if (pids.isEmpty()) {
        return;
      }
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      sleepQuietly(5);
    }
  }

  public List<Long> members() {
    try {
      return Files.readAllLines(pids.resolve("cgroup.procs")).stream()
          .filter(line -> !line.isBlank())
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** True when the kernel OOM killer acted inside this group (or it ran into its limit). */
  public boolean memoryExceeded() {
    try {
      for (String line : Files.readAllLines(memory.resolve("memory.oom_control"))) {
        if (line.startsWith("oom_kill ") && Long.parseLong(line.substring(9).trim()) > 0) {
          return true;
        }
      }
      String failures = Files.readString(memory.resolve("memory.failcnt")).trim();
      return Long.parseLong(failures) > 0;
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /**
   * Kills what is left now and removes the directories on the reaper thread: nothing of the run
   * survives the call, and the slot need not wait for the kernel to retire the group.
   */
  public void destroyLater() {
    killAll();
    SandboxThreads.reap(this::destroy);
  }

  /** Kills what is left and removes the directories; a cgroup with members cannot be removed. */
  public void destroy() {
    killAll();
    for (Path dir : List.of(memory, pids, cpu)) {
      for (int attempt = 0; attempt < 100; attempt++) {
        try {
          Files.deleteIfExists(dir);
          break;
        } catch (IOException busy) {
          killAll();
          sleepQuietly(10);
        }
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
