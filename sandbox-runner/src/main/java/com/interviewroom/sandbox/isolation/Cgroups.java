package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroup v1 hierarchies (memory, pids, cpu) under the runner's own cgroup, so the runner's own
 * limits still bound its children. {@link #open} fails when the machine does not let us create
 * cgroups (not root, or a cgroup v2-only host); the service then refuses to start, or, where {@code
 * SANDBOX_CGROUPS=optional}, runs with rlimits alone and {@code /v1/runtimes} says so.
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

  /**
   * Creates this runner's parent cgroup in each hierarchy.
   *
   * @param tag the name of this runner's parent cgroup in each hierarchy
   * @throws IOException or IllegalStateException naming why the machine does not let us (not root,
   *     no v1 hierarchy for a controller, a host with only the unified v2 hierarchy)
   */
  public static Cgroups open(String tag) throws IOException {
    String self = Files.readString(Path.of("/proc/self/cgroup"));
    var parents = new java.util.ArrayList<Path>();
    for (String controller : CONTROLLERS) {
      Path parent = ROOT.resolve(controller).resolve(relativePath(self, controller)).resolve(tag);
      Files.createDirectories(parent);
      parents.add(parent);
    }
    return new Cgroups(List.copyOf(parents));
  }

  /** Where this process sits in one controller's v1 hierarchy, e.g. {@code process_api/abc}. */
  static String relativePath(String procSelfCgroup, String controller) {
    boolean unified = false;
    for (String line : procSelfCgroup.split("\n")) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
        return parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
      }
      unified |= parts.length == 3 && parts[0].equals("0") && parts[1].isEmpty();
    }
    throw new IllegalStateException(
        unified && procSelfCgroup.strip().lines().count() == 1
            ? "this host has only the unified cgroup v2 hierarchy; the runner needs cgroup v1 memory, pids and cpu hierarchies"
            : "no cgroup v1 " + controller + " hierarchy");
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
