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
            "--nproc=" + limits.maxProcesses(),
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
            "--disable-userns",
            "--cap-drop",
            "ALL",
            "--new-session",
            "--die-with-parent",
            "--seccomp",
            SECCOMP_FD,
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
