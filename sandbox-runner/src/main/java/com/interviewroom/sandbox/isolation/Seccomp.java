package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The seccomp filter every sandbox runs under (bwrap {@code --seccomp}): a classic BPF program that
 * kills any call made through another architecture's table, refuses the x32 ABI, and answers the
 * usual entry points of kernel exploits and escapes with {@code EPERM} (namespaces, mounts, keyrings,
 * BPF, io_uring, ptrace and cross-process memory access, perf, userfaultfd, modules, kexec, clock
 * and host settings). Everything else a language runtime needs stays allowed; runtimes fall back
 * cleanly when one of these fails (libuv without io_uring, say).
 */
public final class Seccomp {
  /** x86_64 numbers of the refused calls, by name (the adversarial suite calls each one). */
  public static final Map<String, Integer> DENIED = new TreeMap<>(Map.ofEntries(
      Map.entry("ptrace", 101), Map.entry("syslog", 103), Map.entry("personality", 135), Map.entry("pivot_root", 155),
      Map.entry("adjtimex", 159), Map.entry("chroot", 161), Map.entry("acct", 163), Map.entry("settimeofday", 164),
      Map.entry("mount", 165), Map.entry("umount2", 166), Map.entry("swapon", 167), Map.entry("swapoff", 168),
      Map.entry("reboot", 169), Map.entry("sethostname", 170), Map.entry("setdomainname", 171), Map.entry("iopl", 172),
      Map.entry("ioperm", 173), Map.entry("init_module", 175), Map.entry("delete_module", 176), Map.entry("quotactl", 179),
      Map.entry("lookup_dcookie", 212), Map.entry("clock_settime", 227), Map.entry("kexec_load", 246), Map.entry("add_key", 248),
      Map.entry("request_key", 249), Map.entry("keyctl", 250), Map.entry("unshare", 272), Map.entry("perf_event_open", 298),
      Map.entry("fanotify_init", 300), Map.entry("name_to_handle_at", 303), Map.entry("open_by_handle_at", 304),
      Map.entry("clock_adjtime", 305), Map.entry("setns", 308), Map.entry("process_vm_readv", 310),
      Map.entry("process_vm_writev", 311), Map.entry("kcmp", 312), Map.entry("finit_module", 313),
      Map.entry("kexec_file_load", 320), Map.entry("bpf", 321), Map.entry("userfaultfd", 323), Map.entry("io_uring_setup", 425),
      Map.entry("io_uring_enter", 426), Map.entry("io_uring_register", 427), Map.entry("open_tree", 428),
      Map.entry("move_mount", 429), Map.entry("fsopen", 430), Map.entry("fsconfig", 431), Map.entry("fsmount", 432),
      Map.entry("fspick", 433), Map.entry("pidfd_getfd", 438), Map.entry("mount_setattr", 442), Map.entry("quotactl_fd", 443),
      Map.entry("memfd_secret", 447)));

  private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
  private static final int X32_SYSCALL_BIT = 0x40000000;
  private static final int LD_W_ABS = 0x20;
  private static final int JEQ_K = 0x15;
  private static final int JGE_K = 0x35;
  private static final int RET_K = 0x06;
  private static final int RET_ALLOW = 0x7FFF0000;
  private static final int RET_KILL_PROCESS = 0x80000000;
  private static final int RET_ERRNO_EPERM = 0x00050000 | 1;
  private static final int OFFSET_NR = 0;
  private static final int OFFSET_ARCH = 4;

  private Seccomp() {}

  /** The filter as the kernel's {@code struct sock_filter[]}: 8 bytes per instruction, host (little-endian) order. */
  public static byte[] program() {
    int denied = DENIED.size();
    ByteBuffer out = ByteBuffer.allocate((denied + 7) * 8).order(ByteOrder.LITTLE_ENDIAN);
    put(out, LD_W_ABS, 0, 0, OFFSET_ARCH);
    put(out, JEQ_K, 1, 0, AUDIT_ARCH_X86_64);
    put(out, RET_K, 0, 0, RET_KILL_PROCESS);
    put(out, LD_W_ABS, 0, 0, OFFSET_NR);
    put(out, JGE_K, denied + 1, 0, X32_SYSCALL_BIT); // to the EPERM return
    int i = 0;
    for (int nr : DENIED.values()) {
      put(out, JEQ_K, denied - i, 0, nr);
      i++;
    }
    put(out, RET_K, 0, 0, RET_ALLOW);
    put(out, RET_K, 0, 0, RET_ERRNO_EPERM);
    return out.array();
  }

  /** Writes the program where the sandbox launcher opens it for bwrap (root-owned, not inside any sandbox). */
  public static Path write(Path file) throws IOException {
    Files.write(file, program());
    return file;
  }

  private static void put(ByteBuffer out, int code, int jt, int jf, int k) {
    if (jt > 255 || jf > 255) {
      throw new IllegalStateException("a seccomp jump that does not fit");
    }
    out.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
  }
}
