package com.interviewroom.sandbox.isolation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seccomp filter every sandbox runs under (bwrap {@code --seccomp}): a classic BPF program with
 * a default of <em>deny</em>. A call is allowed only when it is on {@link #ALLOWED} (what Python 3,
 * Node 20 and Java 21+ with javac were seen to need, see docs/sandbox.md for how the list was made
 * and how to extend it), or is {@code clone} without a namespace flag, or {@code socket}/{@code
 * socketpair} for {@code AF_UNIX}. The usual entry points of kernel exploits and escapes ({@link
 * #DENIED}) answer {@code EPERM}; every other call answers {@code ENOSYS}, which runtimes treat as
 * "not on this kernel" and fall back from (glibc's {@code clone3} to {@code clone}, libuv without
 * io_uring). A call through another architecture's table kills the process; x32 calls answer {@code
 * EPERM}.
 */
public final class Seccomp {
  /** What happens to a call on neither list. */
  public enum Unlisted {
    /** {@code ENOSYS}: the runner's filter. */
    REFUSE,
    /**
     * Allowed and logged by the kernel ({@code audit: type=1326 ... syscall=N} in {@code dmesg}):
     * only for finding what a runtime needs before adding it to {@link #ALLOWED}; never in a
     * runner.
     */
    LOG
  }

  /** x86_64 numbers of the calls allowed with any arguments, by name. */
  public static final Map<String, Integer> ALLOWED =
      table(
          "read",
          0,
          "write",
          1,
          "open",
          2,
          "close",
          3,
          "stat",
          4,
          "fstat",
          5,
          "lstat",
          6,
          "poll",
          7,
          "lseek",
          8,
          "mmap",
          9,
          "mprotect",
          10,
          "munmap",
          11,
          "brk",
          12,
          "rt_sigaction",
          13,
          "rt_sigprocmask",
          14,
          "rt_sigreturn",
          15,
          "ioctl",
          16,
          "pread64",
          17,
          "pwrite64",
          18,
          "readv",
          19,
          "writev",
          20,
          "access",
          21,
          "pipe",
          22,
          "select",
          23,
          "sched_yield",
          24,
          "mremap",
          25,
          "msync",
          26,
          "mincore",
          27,
          "madvise",
          28,
          "dup",
          32,
          "dup2",
          33,
          "pause",
          34,
          "nanosleep",
          35,
          "getitimer",
          36,
          "alarm",
          37,
          "setitimer",
          38,
          "getpid",
          39,
          "sendfile",
          40,
          "fork",
          57,
          "vfork",
          58,
          "execve",
          59,
          "exit",
          60,
          "wait4",
          61,
          "kill",
          62,
          "uname",
          63,
          "fcntl",
          72,
          "flock",
          73,
          "fsync",
          74,
          "fdatasync",
          75,
          "truncate",
          76,
          "ftruncate",
          77,
          "getdents",
          78,
          "getcwd",
          79,
          "chdir",
          80,
          "fchdir",
          81,
          "rename",
          82,
          "mkdir",
          83,
          "rmdir",
          84,
          "creat",
          85,
          "link",
          86,
          "unlink",
          87,
          "symlink",
          88,
          "readlink",
          89,
          "chmod",
          90,
          "fchmod",
          91,
          "umask",
          95,
          "gettimeofday",
          96,
          "getrlimit",
          97,
          "getrusage",
          98,
          "sysinfo",
          99,
          "times",
          100,
          "getuid",
          102,
          "getgid",
          104,
          "geteuid",
          107,
          "getegid",
          108,
          "setpgid",
          109,
          "getppid",
          110,
          "getpgrp",
          111,
          "setsid",
          112,
          "getgroups",
          115,
          "getresuid",
          118,
          "getresgid",
          120,
          "getpgid",
          121,
          "getsid",
          124,
          "capget",
          125,
          "rt_sigpending",
          127,
          "rt_sigtimedwait",
          128,
          "rt_sigqueueinfo",
          129,
          "rt_sigsuspend",
          130,
          "sigaltstack",
          131,
          "utime",
          132,
          "statfs",
          137,
          "fstatfs",
          138,
          "getpriority",
          140,
          "setpriority",
          141,
          "sched_getparam",
          143,
          "sched_getscheduler",
          145,
          "sched_get_priority_max",
          146,
          "sched_get_priority_min",
          147,
          "sched_rr_get_interval",
          148,
          "prctl",
          157,
          "arch_prctl",
          158,
          "setrlimit",
          160,
          "gettid",
          186,
          "readahead",
          187,
          "tkill",
          200,
          "time",
          201,
          "getdents64",
          217,
          "futex",
          202,
          "sched_setaffinity",
          203,
          "sched_getaffinity",
          204,
          "epoll_create",
          213,
          "set_tid_address",
          218,
          "restart_syscall",
          219,
          "fadvise64",
          221,
          "timer_create",
          222,
          "timer_settime",
          223,
          "timer_gettime",
          224,
          "timer_getoverrun",
          225,
          "timer_delete",
          226,
          "clock_gettime",
          228,
          "clock_getres",
          229,
          "clock_nanosleep",
          230,
          "exit_group",
          231,
          "epoll_wait",
          232,
          "epoll_ctl",
          233,
          "tgkill",
          234,
          "utimes",
          235,
          "waitid",
          247,
          "inotify_init",
          253,
          "inotify_add_watch",
          254,
          "inotify_rm_watch",
          255,
          "openat",
          257,
          "mkdirat",
          258,
          "futimesat",
          261,
          "newfstatat",
          262,
          "unlinkat",
          263,
          "renameat",
          264,
          "linkat",
          265,
          "symlinkat",
          266,
          "readlinkat",
          267,
          "fchmodat",
          268,
          "faccessat",
          269,
          "pselect6",
          270,
          "ppoll",
          271,
          "set_robust_list",
          273,
          "get_robust_list",
          274,
          "utimensat",
          280,
          "epoll_pwait",
          281,
          "timerfd_create",
          283,
          "eventfd",
          284,
          "fallocate",
          285,
          "timerfd_settime",
          286,
          "timerfd_gettime",
          287,
          "eventfd2",
          290,
          "epoll_create1",
          291,
          "dup3",
          292,
          "pipe2",
          293,
          "inotify_init1",
          294,
          "preadv",
          295,
          "pwritev",
          296,
          "prlimit64",
          302,
          "getcpu",
          309,
          "sched_getattr",
          315,
          "renameat2",
          316,
          "getrandom",
          318,
          "memfd_create",
          319,
          "membarrier",
          324,
          "copy_file_range",
          326,
          "preadv2",
          327,
          "pwritev2",
          328,
          "statx",
          332,
          "rseq",
          334,
          "pidfd_send_signal",
          424,
          "pidfd_open",
          434,
          "close_range",
          436,
          "faccessat2",
          439,
          "epoll_pwait2",
          441);

  /**
   * x86_64 numbers of the calls refused with {@code EPERM}, by name (the adversarial suite calls
   * each one).
   */
  public static final Map<String, Integer> DENIED =
      table(
          "ptrace",
          101,
          "syslog",
          103,
          "personality",
          135,
          "pivot_root",
          155,
          "adjtimex",
          159,
          "chroot",
          161,
          "acct",
          163,
          "settimeofday",
          164,
          "mount",
          165,
          "umount2",
          166,
          "swapon",
          167,
          "swapoff",
          168,
          "reboot",
          169,
          "sethostname",
          170,
          "setdomainname",
          171,
          "iopl",
          172,
          "ioperm",
          173,
          "init_module",
          175,
          "delete_module",
          176,
          "quotactl",
          179,
          "lookup_dcookie",
          212,
          "clock_settime",
          227,
          "kexec_load",
          246,
          "add_key",
          248,
          "request_key",
          249,
          "keyctl",
          250,
          "unshare",
          272,
          "perf_event_open",
          298,
          "fanotify_init",
          300,
          "name_to_handle_at",
          303,
          "open_by_handle_at",
          304,
          "clock_adjtime",
          305,
          "setns",
          308,
          "process_vm_readv",
          310,
          "process_vm_writev",
          311,
          "kcmp",
          312,
          "finit_module",
          313,
          "kexec_file_load",
          320,
          "bpf",
          321,
          "userfaultfd",
          323,
          "io_uring_setup",
          425,
          "io_uring_enter",
          426,
          "io_uring_register",
          427,
          "open_tree",
          428,
          "move_mount",
          429,
          "fsopen",
          430,
          "fsconfig",
          431,
          "fsmount",
          432,
          "fspick",
          433,
          "pidfd_getfd",
          438,
          "mount_setattr",
          442,
          "quotactl_fd",
          443,
          "memfd_secret",
          447);

  public static final int CLONE = 56;
  public static final int SOCKET = 41;
  public static final int SOCKETPAIR = 53;

  /**
   * clone flags that create namespaces: NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET,
   * NEWTIME.
   */
  public static final int CLONE_NAMESPACE_FLAGS =
      0x00020000
          | 0x02000000
          | 0x04000000
          | 0x08000000
          | 0x10000000
          | 0x20000000
          | 0x40000000
          | 0x00000080;

  public static final int AF_UNIX = 1;
  public static final int EPERM = 1;
  public static final int ENOSYS = 38;

  private static final int AUDIT_ARCH_X86_64 = 0xC000003E;

  /**
   * Set in the number of an x32 call, which arrives with the x86_64 arch value but goes through
   * another table.
   */
  public static final int X32_SYSCALL_BIT = 0x40000000;

  private static final int LD_W_ABS = 0x20;
  private static final int JEQ_K = 0x15;
  private static final int JGE_K = 0x35;
  private static final int JSET_K = 0x45;
  private static final int RET_K = 0x06;
  private static final int RET_ALLOW = 0x7FFF0000;
  private static final int RET_LOG = 0x7FFC0000;
  private static final int RET_KILL_PROCESS = 0x80000000;
  private static final int RET_ERRNO = 0x00050000;
  private static final int OFFSET_NR = 0;
  private static final int OFFSET_ARCH = 4;

  /**
   * The low 32 bits of the first argument (little-endian); clone's flags and socket's domain are
   * all there.
   */
  private static final int OFFSET_ARG0_LOW = 16;

  private Seccomp() {}

  /** The runner's filter. */
  public static byte[] program() {
    return program(Unlisted.REFUSE);
  }

  /**
   * The filter as the kernel's {@code struct sock_filter[]}: 8 bytes per instruction, host
   * (little-endian) order. Every test jumps at most a few instructions (each match is followed by
   * its own return), so the program needs no far jumps however long the lists grow. Since Linux
   * 5.11 the kernel caches, per call number, that a filter allows it whatever the arguments, so the
   * length of the list costs nothing on the calls it allows.
   */
  public static byte[] program(Unlisted unlisted) {
    List<long[]> code = new ArrayList<>();
    add(code, LD_W_ABS, 0, 0, OFFSET_ARCH);
    add(code, JEQ_K, 1, 0, AUDIT_ARCH_X86_64);
    add(code, RET_K, 0, 0, RET_KILL_PROCESS);
    add(code, LD_W_ABS, 0, 0, OFFSET_NR);
    add(code, JGE_K, 0, 1, X32_SYSCALL_BIT);
    add(code, RET_K, 0, 0, RET_ERRNO | EPERM);
    // clone: only without namespace flags (clone3's flags sit in memory a filter cannot read: it is
    // unlisted, so ENOSYS).
    add(code, JEQ_K, 0, 4, CLONE);
    add(code, LD_W_ABS, 0, 0, OFFSET_ARG0_LOW);
    add(code, JSET_K, 0, 1, CLONE_NAMESPACE_FLAGS);
    add(code, RET_K, 0, 0, RET_ERRNO | EPERM);
    add(code, RET_K, 0, 0, RET_ALLOW);
    // socket and socketpair: local (AF_UNIX) only; there is no network in the sandbox, and the
    // other families are kernel code no program here needs.
    for (int nr : List.of(SOCKET, SOCKETPAIR)) {
      add(code, JEQ_K, 0, 4, nr);
      add(code, LD_W_ABS, 0, 0, OFFSET_ARG0_LOW);
      add(code, JEQ_K, 0, 1, AF_UNIX);
      add(code, RET_K, 0, 0, RET_ALLOW);
      add(code, RET_K, 0, 0, RET_ERRNO | EPERM);
    }
    for (int nr : DENIED.values()) {
      add(code, JEQ_K, 0, 1, nr);
      add(code, RET_K, 0, 0, RET_ERRNO | EPERM);
    }
    for (int nr : ALLOWED.values()) {
      add(code, JEQ_K, 0, 1, nr);
      add(code, RET_K, 0, 0, RET_ALLOW);
    }
    add(code, RET_K, 0, 0, unlisted == Unlisted.LOG ? RET_LOG : RET_ERRNO | ENOSYS);
    if (code.size() > 4096) {
      throw new IllegalStateException("a seccomp program holds at most 4096 instructions");
    }
    ByteBuffer out = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long[] instruction : code) {
      out.putShort((short) instruction[0])
          .put((byte) instruction[1])
          .put((byte) instruction[2])
          .putInt((int) instruction[3]);
    }
    return out.array();
  }

  private static void add(List<long[]> code, int op, int jt, int jf, long k) {
    code.add(new long[] {op, jt, jf, k});
  }

  private static Map<String, Integer> table(Object... namesAndNumbers) {
    Map<String, Integer> table = new LinkedHashMap<>();
    for (int i = 0; i < namesAndNumbers.length; i += 2) {
      if (table.put((String) namesAndNumbers[i], (Integer) namesAndNumbers[i + 1]) != null) {
        throw new IllegalStateException("listed twice: " + namesAndNumbers[i]);
      }
    }
    return java.util.Collections.unmodifiableMap(table);
  }
}
