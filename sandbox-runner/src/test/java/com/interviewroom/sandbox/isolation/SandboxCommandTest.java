package com.interviewroom.sandbox.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The argument vector every sandbox starts from: its layers, its flags, and nothing a request
 * controls.
 */
class SandboxCommandTest {
  private static final Path HARNESS = Path.of("/var/tmp/runner/harness");
  private static final Path WORK = Path.of("/var/tmp/runner/slots/slot-0");
  private static final RunCgroup CGROUP =
      new RunCgroup(
          Path.of("/sys/fs/cgroup/memory/r/run-1"),
          Path.of("/sys/fs/cgroup/pids/r/run-1"),
          Path.of("/sys/fs/cgroup/cpu/r/run-1"));
  private static final List<String> COMMAND =
      List.of("/usr/bin/python3.11", "-I", "-B", "/harness/boot.py");

  private static final Path SECCOMP = Path.of("/var/tmp/runner/seccomp.bpf");

  private static List<String> argv(int uid, Limits limits, RunCgroup cgroup) {
    return SandboxCommand.build(
        uid,
        limits,
        List.of(Path.of("/usr/bin/python3.11"), Path.of("/usr/lib/python3.11")),
        HARNESS,
        WORK,
        cgroup,
        SECCOMP,
        COMMAND);
  }

  @Test
  @DisplayName(
      "the layers run in order: parent-death signal, cgroup join, pid namespace, rlimits, unprivileged uid, bubblewrap, the command")
  void layers() {
    List<String> argv = argv(65_000, Limits.interpreted(), CGROUP);
    assertThat(argv.subList(0, 4)).containsExactly("/usr/bin/setpriv", "--pdeathsig", "KILL", "--");
    argv = argv.subList(4, argv.size());
    assertThat(argv.subList(0, 5))
        .containsExactly("/bin/sh", "-c", SandboxCommand.LAUNCHER, "sh", SECCOMP.toString());
    assertThat(argv.subList(5, 8)).containsExactlyElementsOf(CGROUP.procsFiles());
    assertThat(argv.get(8)).isEqualTo("--");
    int unshare = argv.indexOf("/usr/bin/unshare");
    int prlimit = argv.indexOf("/usr/bin/prlimit");
    int setpriv = argv.indexOf("/usr/bin/setpriv");
    int bwrap = argv.indexOf("/usr/bin/bwrap");
    assertThat(unshare).isPositive().isLessThan(prlimit);
    assertThat(prlimit).isLessThan(setpriv);
    assertThat(setpriv).isLessThan(bwrap);
    assertThat(argv.subList(argv.size() - COMMAND.size(), argv.size())).isEqualTo(COMMAND);
    assertThat(argv.get(argv.size() - COMMAND.size() - 1)).isEqualTo("--");
    assertThat(argv(65_000, Limits.interpreted(), null).subList(4, 11))
        .as("without a cgroup, only the seccomp filter is opened")
        .containsExactly(
            "/bin/sh",
            "-c",
            SandboxCommand.LAUNCHER,
            "sh",
            SECCOMP.toString(),
            "--",
            "/usr/bin/unshare");
  }

  @Test
  @DisplayName("rlimits, the uid drop and every bubblewrap isolation flag are present")
  void flags() {
    List<String> argv = argv(65_001, Limits.jvm(), CGROUP);
    assertThat(argv)
        .contains(
            "--nproc=" + (128 + SandboxCommand.WAITING_SHARE),
            "--nofile=128",
            "--fsize=" + (16L << 20),
            "--core=0");
    assertThat(argv)
        .contains(
            "--reuid=65001",
            "--regid=65001",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs");
    assertThat(argv)
        .contains(
            "--unshare-user",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-net",
            "--unshare-cgroup-try",
            "--disable-userns",
            "--new-session",
            "--die-with-parent",
            "--clearenv");
    assertThat(argv).containsSubsequence("--uid", "65001", "--gid", "65001");
    assertThat(argv).containsSequence("--cap-drop", "ALL");
    assertThat(argv).containsSequence("--seccomp", SandboxCommand.SECCOMP_FD);
    assertThat(argv).containsSequence("--remount-ro", "/");
    assertThat(argv).containsSequence("--size", Long.toString(16L << 20), "--tmpfs", "/tmp");
    assertThat(argv).containsSequence("--size", Long.toString(16L << 20), "--tmpfs", "/dev/shm");
    assertThat(argv)
        .doesNotContain(
            "--share-net", "--cap-add", "--dev-bind", "--bind-try", "--unsetenv", "--uid=0");
  }

  @Test
  @DisplayName(
      "only the work dir is writable, and only the runtime, the harness and system libraries are visible")
  void mounts() {
    List<String> argv = argv(65_000, Limits.interpreted(), CGROUP);
    assertThat(argv.stream().filter("--bind"::equals)).hasSize(1);
    assertThat(argv).containsSequence("--bind", WORK.toString(), SandboxCommand.WORK);
    List<String> readOnly = new java.util.ArrayList<>();
    for (int i = 0; i < argv.size(); i++) {
      if (argv.get(i).equals("--ro-bind")) {
        readOnly.add(argv.get(i + 1));
      }
    }
    assertThat(readOnly)
        .containsExactlyInAnyOrder(
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib64",
            "/usr/bin/python3.11",
            "/usr/lib/python3.11",
            HARNESS.toString());
  }

  @Test
  @DisplayName("uid 0 (host root behind the user namespace) is refused")
  void rootRefused() {
    assertThatThrownBy(() -> argv(0, Limits.interpreted(), CGROUP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unprivileged");
  }
}
