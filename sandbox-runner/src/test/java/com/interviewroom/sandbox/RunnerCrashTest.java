package com.interviewroom.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.sandbox.isolation.Leftovers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 D: a runner killed with SIGKILL takes its runs with it (parent-death signal through the
 * whole chain), and what it could not clean up (cgroups, tmpfs mounts, directories) is swept by the
 * next runner's start-up.
 */
class RunnerCrashTest {

  @Test
  @DisplayName(
      "kill -9 of the runner kills the running candidate code; the next start sweeps its cgroups, mounts and files")
  void crashLeavesNothingRunningAndStartUpSweeps() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process runner =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), CrashingRunner.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(runner.getInputStream()));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("root ")) {
        // log lines
      }
      assertThat(line).as("the child runner started").isNotNull();
      Path root = Path.of(line.substring(5));
      String tag = "/" + root.getFileName() + "/";
      List<Long> loop = List.of();
      for (int attempt = 0; attempt < 200 && loop.size() < 2; attempt++) {
        Thread.sleep(50);
        loop = inCgroup(tag, "python");
      }
      assertThat(loop)
          .as("the busy loop and its fork run in the child runner's cgroup")
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(mountsUnder(root)).as("the slot tmpfs is mounted").isNotEmpty();

      runner.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up of its own
      runner.waitFor();
      List<Long> left = List.of(0L);
      for (int attempt = 0; attempt < 40 && !left.isEmpty(); attempt++) {
        Thread.sleep(50);
        left = inCgroup(tag, "");
      }
      assertThat(left).as("processes of the killed runner's runs still alive").isEmpty();
      for (long pid : loop) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .as("busy loop " + pid)
            .isFalse();
      }
      assertThat(Files.exists(root))
          .as("the killed runner's directory is left until the next start")
          .isTrue();

      Leftovers.sweep(root.getParent());
      assertThat(mountsUnder(root)).as("mounts after the sweep").isEmpty();
      assertThat(Files.exists(root)).as("directory after the sweep").isFalse();
      for (String controller : List.of("memory", "pids", "cpu")) {
        try (Stream<Path> groups = Files.walk(Path.of("/sys/fs/cgroup", controller), 4)) {
          assertThat(groups.filter(p -> p.getFileName().equals(root.getFileName())).toList())
              .as("cgroups in " + controller)
              .isEmpty();
        }
      }
    } finally {
      runner.destroyForcibly();
    }
  }

  /**
   * Live processes whose cgroup path contains {@code tag} and whose name starts with {@code comm}.
   */
  private static List<Long> inCgroup(String tag, String comm) throws Exception {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(
              p -> {
                try {
                  String stat = Files.readString(p.resolve("stat"));
                  return Files.readString(p.resolve("cgroup")).contains(tag)
                      && Files.readString(p.resolve("comm")).startsWith(comm)
                      && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
                } catch (Exception gone) {
                  return false;
                }
              })
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .toList();
    }
  }

  private static List<String> mountsUnder(Path root) throws Exception {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(l -> l.split(" ")[4])
        .filter(m -> m.startsWith(root.toString()))
        .toList();
  }
}
