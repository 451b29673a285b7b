package com.interviewroom.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the host looks like from outside the sandboxes: processes, cgroups, work dirs, disk. Disk is
 * measured where a sandbox could conceivably write (the runner's tree, host temp directories), not
 * as free space on a disk other builds share.
 */
record HostState(long runnerChildren, long runnerTreeBytes, long filesOwnedByRunUids) {
  static HostState capture(SandboxServer server) throws IOException {
    long children = ProcessHandle.current().descendants().count();
    return new HostState(
        children, treeBytes(server.verticle.service().rootDir()), countFilesOwnedByRunUids(server));
  }

  static String treeListing(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p) + " " + p.toFile().length())
          .collect(java.util.stream.Collectors.joining("\n"));
    }
  }

  private static long treeBytes(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** Files a sandbox uid owns in the host's temporary directories (there should never be any). */
  private static long countFilesOwnedByRunUids(SandboxServer server) throws IOException {
    int first = server.verticle.service().firstUid();
    long count = 0;
    for (String dir : List.of("/tmp", "/var/tmp", "/dev/shm")) {
      try (Stream<Path> files = Files.list(Path.of(dir))) {
        count +=
            files
                .filter(
                    p -> {
                      try {
                        int uid =
                            (Integer)
                                Files.getAttribute(
                                    p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                        return uid >= first
                            && uid < first + com.interviewroom.sandbox.isolation.UidRange.SIZE;
                      } catch (IOException | RuntimeException gone) {
                        return false;
                      }
                    })
                .count();
      }
    }
    return count;
  }

  /**
   * After a run: no process of a run uid except the slots' pre-started sandboxes, no run cgroup,
   * every slot work dir empty. A pre-start that is still being registered gets 2 s to finish; a
   * zombie (dead, holding nothing but its pid until the host's init reaps it) gets 10 s.
   */
  static void assertNoRunLeftovers(SandboxServer server) throws IOException, InterruptedException {
    List<Long> strays = List.of();
    for (int attempt = 0; attempt < 100; attempt++) {
      var warm = server.verticle.service().warmProcessIds();
      strays = processesOfRunUids(server).stream().filter(pid -> !warm.contains(pid)).toList();
      if (strays.isEmpty() || attempt >= 20 && !strays.stream().allMatch(HostState::zombie)) {
        break;
      }
      Thread.sleep(100);
    }
    List<Long> stuck = strays;
    assertThat(strays)
        .as(() -> "processes still running as a sandbox uid: " + describe(stuck))
        .isEmpty();
    Path root = server.verticle.service().rootDir().resolve("slots");
    // a slot the watchdog gave up on (a run past its budget on a loaded machine) is replaced after
    // the answer
    for (int attempt = 0; attempt < 100 && !allSlotsEmpty(root); attempt++) {
      Thread.sleep(100);
    }
    try (Stream<Path> slots = Files.list(root)) {
      for (Path slot : slots.toList()) {
        try (Stream<Path> left = Files.list(slot)) {
          assertThat(left.toList()).as("files left in " + slot).isEmpty();
        }
      }
    }
    // Their processes are dead before the answer; the empty groups are removed just after it, on
    // the reaper thread. A Python run's group is named prepared-N (its process waited there before
    // the request): the only ones left are those holding a slot's next waiting process, which the
    // background moves there just after the answer.
    com.interviewroom.sandbox.isolation.SandboxThreads.awaitReaped();
    for (String controller : List.of("memory", "pids", "cpu")) {
      List<Path> left = runGroups(server, controller);
      for (int attempt = 0; attempt < 50 && !allHoldAWaitingProcess(server, left); attempt++) {
        Thread.sleep(100);
        com.interviewroom.sandbox.isolation.SandboxThreads.awaitReaped();
        left = runGroups(server, controller);
      }
      List<Path> groups = left;
      assertThat(groups.stream().filter(p -> p.getFileName().toString().startsWith("run-")))
          .as("run cgroups left in " + controller)
          .isEmpty();
      assertThat(groups)
          .as("prepared cgroups left in %s that hold no slot's waiting process", controller)
          .allMatch(group -> holdsAWaitingProcess(server, group));
    }
  }

  /** This runner's run groups ({@code run-N}, and {@code prepared-N} of Python runs). */
  private static List<Path> runGroups(SandboxServer server, String controller) throws IOException {
    String runner = server.verticle.service().rootDir().getFileName().toString();
    try (Stream<Path> groups = Files.walk(Path.of("/sys/fs/cgroup", controller), 4)) {
      return groups
          .filter(
              p ->
                  (p.getFileName().toString().startsWith("run-")
                          || p.getFileName().toString().startsWith("prepared-"))
                      && p.getParent().getFileName().toString().equals(runner))
          .toList();
    }
  }

  private static boolean allHoldAWaitingProcess(SandboxServer server, List<Path> groups) {
    return groups.stream().allMatch(group -> holdsAWaitingProcess(server, group));
  }

  /** A prepared-N group whose members are all warm processes (a slot's next Python run). */
  private static boolean holdsAWaitingProcess(SandboxServer server, Path group) {
    if (!group.getFileName().toString().startsWith("prepared-")) {
      return false;
    }
    try {
      List<Long> members =
          Files.readAllLines(group.resolve("cgroup.procs")).stream()
              .filter(line -> !line.isBlank())
              .map(Long::parseLong)
              .toList();
      return !members.isEmpty() && server.verticle.service().warmProcessIds().containsAll(members);
    } catch (IOException gone) {
      return false;
    }
  }

  private static boolean allSlotsEmpty(Path root) throws IOException {
    try (Stream<Path> slots = Files.list(root)) {
      for (Path slot : slots.toList()) {
        try (Stream<Path> left = Files.list(slot)) {
          if (left.findAny().isPresent()) {
            return false;
          }
        } catch (java.nio.file.NoSuchFileException replaced) {
          // removed while we looked
        }
      }
    }
    return true;
  }

  /** A process in one of this runner's cgroups, as the host sees it. */
  record SandboxedProcess(long pid, String comm, List<Integer> uids, String cmdline) {}

  /**
   * Every process whose cgroup lies under this runner's own cgroups (runs and pre-started
   * sandboxes).
   */
  static List<SandboxedProcess> sandboxedProcesses(SandboxServer server) throws IOException {
    String tag = "/" + server.verticle.service().rootDir().getFileName() + "/";
    List<SandboxedProcess> found = new java.util.ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc :
          procs
              .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
              .toList()) {
        try {
          if (!Files.readString(proc.resolve("cgroup")).contains(tag)) {
            continue;
          }
          List<Integer> uids =
              Files.readAllLines(proc.resolve("status")).stream()
                  .filter(l -> l.startsWith("Uid:"))
                  .flatMap(l -> java.util.Arrays.stream(l.substring(4).trim().split("\\s+")))
                  .map(Integer::valueOf)
                  .toList();
          String cmdline =
              new String(
                      Files.readAllBytes(proc.resolve("cmdline")),
                      java.nio.charset.StandardCharsets.UTF_8)
                  .replace('\0', ' ');
          found.add(
              new SandboxedProcess(
                  Long.parseLong(proc.getFileName().toString()),
                  Files.readString(proc.resolve("comm")).trim(),
                  uids,
                  cmdline));
        } catch (IOException | RuntimeException gone) {
          // The process exited while we looked.
        }
      }
    }
    return found;
  }

  /** The session id (field 6 of /proc/PID/stat), as the host numbers it. */
  static long sessionOf(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
  }

  /**
   * Processes of a run uid, except those inside another runner's cgroups: other test classes (the
   * launcher's, say) may run a sandbox service of their own with the same slot uids at the same
   * time.
   */
  static List<Long> processesOfRunUids(SandboxServer server) throws IOException {
    String own = "/" + server.verticle.service().rootDir().getFileName() + "/";
    int first = server.verticle.service().firstUid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(
              p -> {
                int uid = realUid(p);
                return uid >= first
                    && uid < first + com.interviewroom.sandbox.isolation.UidRange.COMPILER_OFFSET
                    && !inAnotherRunner(p, own);
              })
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .toList();
    }
  }

  private static String describe(List<Long> pids) {
    StringBuilder text = new StringBuilder();
    for (long pid : pids) {
      Path proc = Path.of("/proc", Long.toString(pid));
      try {
        text.append("\n")
            .append(pid)
            .append(' ')
            .append(Files.readString(proc.resolve("comm")).trim())
            .append(" [")
            .append(new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' '))
            .append("] ")
            .append(Files.readString(proc.resolve("cgroup")).replace('\n', ' '));
      } catch (IOException gone) {
        text.append("\n").append(pid).append(" (gone)");
      }
    }
    return text.toString();
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (IOException | RuntimeException gone) {
      return true; // gone by now
    }
  }

  private static boolean inAnotherRunner(Path proc, String ownTag) {
    try {
      String cgroups = Files.readString(proc.resolve("cgroup"));
      return cgroups.contains("/interviewroom-sandbox-") && !cgroups.contains(ownTag);
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }

  private static int realUid(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // The process exited while we looked.
    }
    return -1;
  }
}
