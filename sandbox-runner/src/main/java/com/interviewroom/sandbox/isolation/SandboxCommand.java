package com.interviewroom.sandbox.isolation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the argument vector of one sandboxed process. It is only ever an argument vector: nothing
 * here is interpreted by a shell, and candidate code never appears in it (it lives in a file).
 *
 * <p>Layers, outermost first: a parent-death signal (the sandbox dies with the runner); a constant
 * launcher that opens the seccomp filter for bwrap, joins the run's cgroups (when there are any)
 * and execs; {@code unshare} into a pid namespace of our own (so nothing outlives our child, not
 * even a zombie); {@code prlimit} (set while still root, kept across the uid change); {@code
 * setpriv} to the slot's unprivileged host uid with no capabilities and no-new-privs (root inside a
 * user namespace would still be host root, so the namespace is created by an unprivileged user);
 * {@code bwrap} with fresh user, pid, ipc, uts, net and mount namespaces and only the runtime's
 * directories, read-only.
 */
public final class SandboxCommand {
  /**
   * Opens its first argument (the seccomp filter) as {@link #SECCOMP_FD}, joins the cgroups whose
   * procs files follow up to {@code --}, then execs the rest, which inherits the descriptor down to
   * bwrap. A constant: nothing a request controls is ever part of it.
   */
  static final String LAUNCHER =
      "s=$1; shift; for f; do shift; [ \"$f\" = -- ] && break; echo $$ > \"$f\" || exit 125; done; "
          + "exec \"$@\" 9<\"$s\"";

  static final String SECCOMP_FD = "9"; // dash (/bin/sh) redirects single-digit descriptors only
  public static final String WORK = "/work";
  public static final String HARNESS = "/harness";
  static final String IO = "/io";

  /**
   * What the slot's waiting sandboxes use of its uid's process count: {@code RLIMIT_NPROC} counts
   * every task of the host uid, and two pre-started harness JVMs (about 12 threads each), the
   * zygote's processes and their launchers wait beside each run in the same slot. The rlimit is the
   * run's own limit plus this, so a run may start as many processes as its limit says whatever
   * waits beside it; with cgroups {@code pids.max} holds each run to its own limit exactly.
   */
  static final int WAITING_SHARE = 64;

  private SandboxCommand() {}

  /**
   * @param harnessDir bound read-only at {@code /harness}
   * @param workDir bound read-write at {@code /work}, or null for no work directory at all
   * @param cgroup the cgroup to join before anything else runs, or null where cgroups are
   *     unavailable
   * @param seccomp the compiled seccomp filter ({@link Seccomp#program})
   */
  public static List<String> build(
      int uid,
      Limits limits,
      List<Path> readOnlyPaths,
      Path harnessDir,
      Path workDir,
      RunCgroup cgroup,
      Path seccomp,
      List<String> command) {
    return build(uid, limits, readOnlyPaths, harnessDir, workDir, cgroup, seccomp, command, false);
  }

  /**
   * A zygote's sandbox (harness/zygote.py): the same chain and namespaces, except that bwrap keeps
   * {@code CAP_SYS_ADMIN} and {@code CAP_SETPCAP} inside the sandbox's user namespace (never on the
   * host: that namespace belongs to the unprivileged slot uid) and leaves the seccomp filter open
   * on fd 9 instead of applying it, because the zygote creates each run's namespaces and mounts,
   * and each run then drops every capability and loads the filter itself before any candidate code.
   */
  public static List<String> buildZygote(
      int uid,
      Limits limits,
      List<Path> readOnlyPaths,
      Path harnessDir,
      Path workDir,
      Path ioDir,
      RunCgroup cgroup,
      Path seccomp,
      List<String> command) {
    List<String> argv =
        build(uid, limits, readOnlyPaths, harnessDir, workDir, cgroup, seccomp, command, true);
    // The runs' input and output files, outside the work dir (a run may fill that): bound at /io,
    // which each run's child detaches once it has opened its files.
    int at = argv.indexOf("--remount-ro");
    List<String> withIo = new ArrayList<>(argv.subList(0, at));
    withIo.addAll(List.of("--bind", ioDir.toString(), IO));
    withIo.addAll(argv.subList(at, argv.size()));
    return List.copyOf(withIo);
  }

  private static List<String> build(
      int uid,
      Limits limits,
      List<Path> readOnlyPaths,
      Path harnessDir,
      Path workDir,
      RunCgroup cgroup,
      Path seccomp,
      List<String> command,
      boolean zygote) {
    if (uid <= 0) {
      // Root inside the user namespace would be host root: every sandbox drops to an unprivileged
      // uid.
      throw new IllegalArgumentException("a sandbox must run as an unprivileged uid, not " + uid);
    }
    List<String> argv = new ArrayList<>();
    // Killed with the runner: the parent-death signal survives the execs below until unshare, whose
    // --kill-child passes it to the namespace's init, and bwrap's --die-with-parent to the rest, so
    // a crashed runner (kill -9) leaves no candidate code running.
    argv.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
    argv.addAll(List.of("/bin/sh", "-c", LAUNCHER, "sh", seccomp.toString()));
    if (cgroup != null) {
      argv.addAll(cgroup.procsFiles());
    }
    argv.add("--");
    // bwrap's outer process exits before its namespace init does, which would leave that init as a
    // zombie for the host's pid 1 to reap. An outer pid namespace whose init is bwrap itself makes
    // the kernel kill and reap everything inside before our direct child exits.
    argv.addAll(List.of("/usr/bin/unshare", "--pid", "--fork", "--kill-child", "--"));
    argv.addAll(
        List.of(
            "/usr/bin/prlimit",
            "--nproc=" + (limits.maxProcesses() + WAITING_SHARE),
            "--nofile=" + limits.maxOpenFiles(),
            "--fsize=" + limits.maxFileBytes(),
            "--core=0",
            "--"));
    argv.addAll(
        List.of(
            "/usr/bin/setpriv",
            "--reuid=" + uid,
            "--regid=" + uid,
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--"));
    argv.addAll(
        List.of(
            "/usr/bin/bwrap",
            "--unshare-user",
            "--uid",
            Integer.toString(uid),
            "--gid",
            Integer.toString(uid),
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-net",
            "--unshare-cgroup-try",
            "--disable-userns"));
    argv.addAll(
        zygote
            ? List.of("--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETPCAP")
            : List.of("--cap-drop", "ALL"));
    argv.addAll(List.of("--new-session", "--die-with-parent"));
    if (!zygote) {
      argv.addAll(List.of("--seccomp", SECCOMP_FD));
    }
    argv.addAll(
        List.of(
            "--hostname",
            "sandbox",
            "--ro-bind",
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu",
            "--ro-bind",
            "/usr/lib64",
            "/usr/lib64",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--size",
            Long.toString(limits.tmpBytes()),
            "--tmpfs",
            "/tmp",
            "--size",
            Long.toString(limits.tmpBytes()),
            "--tmpfs",
            "/dev/shm"));
    for (Path path : readOnlyPaths) {
      argv.addAll(List.of("--ro-bind", path.toString(), path.toString()));
    }
    argv.addAll(List.of("--ro-bind", harnessDir.toString(), HARNESS));
    if (workDir != null) {
      argv.addAll(List.of("--bind", workDir.toString(), WORK, "--chdir", WORK));
    } else {
      argv.addAll(List.of("--chdir", "/tmp"));
    }
    argv.addAll(
        List.of(
            "--remount-ro",
            "/",
            "--clearenv",
            "--setenv",
            "PATH",
            "/usr/bin:/bin",
            "--setenv",
            "HOME",
            workDir != null ? WORK : "/tmp",
            "--setenv",
            "LANG",
            "C.UTF-8",
            "--"));
    argv.addAll(command);
    return List.copyOf(argv);
  }
}
