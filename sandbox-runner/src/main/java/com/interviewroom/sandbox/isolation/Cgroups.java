package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroup v1 hierarchies (memory, pids, cpu) under the runner's own cgroup, so the runner's own
 * limits still bound its children. {@link #open()} returns empty when the machine does not let us
 * create cgroups; runs then fall back to rlimits alone and {@code /v1/runtimes} says so.
 */
public final class Cgroups {
  private static final Logger log = LoggerFactory.getLogger(Cgroups.class);
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");

  private final List<Path> parents;
  private final AtomicLong sequence = new AtomicLong();

  private Cgroups(List<Path> parents) {
    this.parents = parents;
  }

  /** @param tag the name of this runner's parent cgroup in each hierarchy */
  public static Optional<Cgroups> open(String tag) {
    try {
      String self = Files.readString(Path.of("/proc/self/cgroup"));
      var parents = new java.util.ArrayList<Path>();
      for (String controller : CONTROLLERS) {
        Path parent = ROOT.resolve(controller).resolve(relativePath(self, controller)).resolve(tag);
        Files.createDirectories(parent);
        parents.add(parent);
      }
      return Optional.of(new Cgroups(List.copyOf(parents)));
    } catch (IOException | RuntimeException e) {
      log.warn("cgroup v1 not usable, runs are limited by rlimits only: {}", e.toString());
      return Optional.empty();
    }
  }

  /** Where this process sits in one controller's hierarchy, e.g. {@code /process_api/abc}. */
  private static String relativePath(String procSelfCgroup, String controller) {
    for (String line : procSelfCgroup.split("\n")) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
        String path = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
        return path;
      }
    }
    throw new IllegalStateException("no cgroup v1 " + controller + " hierarchy");
  }

  /** A fresh cgroup in each controller with the given limits. */
  public RunCgroup create(String purpose, Limits limits) throws IOException {
    String name = purpose + "-" + sequence.incrementAndGet();
    Path memory = parents.get(0).resolve(name);
    Path pids = parents.get(1).resolve(name);
    Path cpu = parents.get(2).resolve(name);
    Files.createDirectory(memory);
    Files.createDirectory(pids);
    Files.createDirectory(cpu);
    RunCgroup group = new RunCgroup(memory, pids, cpu);
    write(memory.resolve("memory.limit_in_bytes"), limits.memoryBytes());
    Path swap = memory.resolve("memory.memsw.limit_in_bytes");
    if (Files.exists(swap)) {
      write(swap, limits.memoryBytes());
    }
    write(pids.resolve("pids.max"), limits.maxProcesses());
    long period = 100_000;
    write(cpu.resolve("cpu.cfs_period_us"), period);
    write(cpu.resolve("cpu.cfs_quota_us"), (long) (period * limits.cpus()));
    return group;
  }

  /** Removes the runner's parent cgroups on shutdown (children are already gone). */
  public void close() {
    for (Path parent : parents) {
      try {
        Files.deleteIfExists(parent);
      } catch (IOException e) {
        log.warn("could not remove {}: {}", parent, e.toString());
      }
    }
  }

  static void write(Path file, long value) throws IOException {
    Files.writeString(file, Long.toString(value), StandardCharsets.US_ASCII);
  }
}
