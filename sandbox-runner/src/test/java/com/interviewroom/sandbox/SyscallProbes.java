package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.Seccomp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * System calls made from inside a sandbox, one program per language, each printing one line {@code
 * <name> <errno>} per probe ({@code OK} when the call succeeded). Python calls them through ctypes
 * and Java through the FFM API, both from the runtime's own process; Node has no way to make a raw
 * system call, so its program writes a 168-byte static x86_64 executable into the work dir and runs
 * it once per call (the filter is inherited, so this is the filter Node itself runs under).
 */
final class SyscallProbes {
  /** One call and the errno the filter must answer ({@code 0}: it must succeed). */
  record Probe(String name, int nr, int arg0, int errno) {
    String expectedLine() {
      return name + " " + (errno == 0 ? "OK" : Integer.toString(errno));
    }
  }

  private static final int CLONE_NEWNS = 0x00020000;
  private static final int CLONE_NEWUSER = 0x10000000;
  private static final int CLONE_NEWPID = 0x20000000;
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int SIGCHLD = 17;

  private SyscallProbes() {}

  /**
   * Every refused entry point (EPERM), clone with each kind of namespace flag, non-local sockets,
   * an x32 call (EPERM), a sample of calls on neither list (ENOSYS), and getpid, which must work.
   */
  static List<Probe> all() {
    List<Probe> probes = new ArrayList<>();
    probes.add(new Probe("getpid", 39, 0, 0));
    Seccomp.DENIED.forEach((name, nr) -> probes.add(new Probe(name, nr, 0, Seccomp.EPERM)));
    probes.add(
        new Probe("clone(CLONE_NEWUSER)", Seccomp.CLONE, CLONE_NEWUSER | SIGCHLD, Seccomp.EPERM));
    probes.add(
        new Probe("clone(CLONE_NEWNS)", Seccomp.CLONE, CLONE_NEWNS | SIGCHLD, Seccomp.EPERM));
    probes.add(
        new Probe("clone(CLONE_NEWPID)", Seccomp.CLONE, CLONE_NEWPID | SIGCHLD, Seccomp.EPERM));
    probes.add(
        new Probe("clone(CLONE_NEWNET)", Seccomp.CLONE, CLONE_NEWNET | SIGCHLD, Seccomp.EPERM));
    probes.add(new Probe("socket(AF_INET)", Seccomp.SOCKET, 2, Seccomp.EPERM));
    probes.add(new Probe("socket(AF_NETLINK)", Seccomp.SOCKET, 16, Seccomp.EPERM));
    probes.add(new Probe("socket(AF_PACKET)", Seccomp.SOCKET, 17, Seccomp.EPERM));
    probes.add(new Probe("socket(AF_ALG)", Seccomp.SOCKET, 38, Seccomp.EPERM));
    probes.add(new Probe("socketpair(AF_INET)", Seccomp.SOCKETPAIR, 2, Seccomp.EPERM));
    probes.add(new Probe("x32 getpid", Seccomp.X32_SYSCALL_BIT | 39, 0, Seccomp.EPERM));
    List.of(
            new Probe("clone3", 435, 0, 0),
            new Probe("mknod", 133, 0, 0),
            new Probe("shmget", 29, 0, 0),
            new Probe("semget", 64, 0, 0),
            new Probe("msgget", 68, 0, 0),
            new Probe("io_setup", 206, 0, 0),
            new Probe("chown", 92, 0, 0),
            new Probe("mbind", 237, 0, 0),
            new Probe("migrate_pages", 256, 0, 0),
            new Probe("move_pages", 279, 0, 0),
            new Probe("vmsplice", 278, 0, 0),
            new Probe("mq_open", 240, 0, 0),
            new Probe("landlock_create_ruleset", 444, 0, 0),
            new Probe("process_madvise", 440, 0, 0),
            new Probe("uselib", 134, 0, 0),
            new Probe("a number past the table", 1000, 0, 0))
        .forEach(p -> probes.add(new Probe(p.name(), p.nr(), p.arg0(), Seccomp.ENOSYS)));
    return List.copyOf(probes);
  }

  static List<String> expectedLines() {
    return all().stream().map(Probe::expectedLine).toList();
  }

  static String python() {
    String list =
        all().stream()
            .map(p -> "('" + p.name() + "', " + p.nr() + ", " + p.arg0() + ")")
            .collect(Collectors.joining(", ", "[", "]"));
    return """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        for name, nr, arg0 in %s:
            ctypes.set_errno(0)
            result = libc.syscall(ctypes.c_long(nr), ctypes.c_long(arg0), ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0))
            print(name, 'OK' if result != -1 else ctypes.get_errno())
        try:
            os.fstat(9)
            print('fd 9 OPEN')
        except OSError:
            print('fd 9 closed')
        """
        .formatted(list);
  }

  static String java() {
    String list =
        all().stream()
            .map(p -> "new Object[] {\"" + p.name() + "\", " + p.nr() + "L, " + p.arg0() + "L}")
            .collect(Collectors.joining(", "));
    return """
        import java.lang.foreign.*;
        import java.lang.invoke.*;
        public class Main {
          public static void main(String[] args) throws Throwable {
            Linker linker = Linker.nativeLinker();
            StructLayout state = Linker.Option.captureStateLayout();
            VarHandle errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
            try (Arena arena = Arena.ofConfined()) {
              MemorySegment captured = arena.allocate(state);
              for (Object[] probe : new Object[][] {%s}) {
                long result = (long) syscall.invokeExact(captured, (long) probe[1], (long) probe[2], 0L, 0L, 0L, 0L);
                System.out.println(probe[0] + " " + (result != -1 ? "OK" : String.valueOf((int) errno.get(captured, 0L))));
              }
            }
          }
        }
        """
        .formatted(list);
  }

  static String javascript() {
    String list =
        all().stream()
            .map(p -> "['" + p.name() + "', " + p.nr() + ", " + p.arg0() + "]")
            .collect(Collectors.joining(", ", "[", "]"));
    return """
        const fs = require('fs');
        const { spawnSync } = require('child_process');
        const probe = Buffer.from('%s', 'base64');
        for (const [name, nr, arg0] of %s) {
          probe.writeUInt32LE(arg0 >>> 0, %d);
          probe.writeUInt32LE(nr >>> 0, %d);
          fs.writeFileSync('/work/probe', probe, { mode: 0o755 });
          const run = spawnSync('/work/probe');
          console.log(name, run.status === 200 ? 'OK' : String(run.status));
        }
        """
        .formatted(
            Base64.getEncoder().encodeToString(probeExecutable()), list, ARG0_OFFSET, NR_OFFSET);
  }

  private static final int CODE_OFFSET = 120;
  private static final int LOAD_ADDRESS = 0x400000;
  static final int ARG0_OFFSET = CODE_OFFSET + 1;
  static final int NR_OFFSET = CODE_OFFSET + 19;

  /**
   * A static ELF executable: {@code syscall(nr, arg0, 0, 0, 0, 0)}, then exits with the errno, or
   * with 200 when the call succeeded. nr and arg0 are the 32-bit immediates at {@link #NR_OFFSET}
   * and {@link #ARG0_OFFSET}.
   */
  static byte[] probeExecutable() {
    byte[] code =
        HexFormat.of()
            .parseHex(
                "bf00000000" // mov edi, arg0
                    + "31f6"
                    + "31d2"
                    + "4531d2"
                    + "4531c0"
                    + "4531c9" // the other arguments: 0
                    + "b800000000" // mov eax, nr
                    + "0f05" // syscall
                    + "4885c0"
                    + "7807" // test rax, rax; js failed
                    + "bfc8000000"
                    + "eb04" // mov edi, 200; jmp exit
                    + "f7d8"
                    + "89c7" // failed: neg eax; mov edi, eax
                    + "b83c000000"
                    + "0f05"); // exit: mov eax, 60 (exit); syscall
    int size = CODE_OFFSET + code.length;
    ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0})
        .put(new byte[8]); // 64-bit, little-endian, version 1
    elf.putShort((short) 2).putShort((short) 0x3e).putInt(1); // an executable for x86_64
    elf.putLong(LOAD_ADDRESS + CODE_OFFSET)
        .putLong(64)
        .putLong(0); // entry, program headers, no section headers
    elf.putInt(0)
        .putShort((short) 64)
        .putShort((short) 56)
        .putShort((short) 1) // flags, header size, one program header
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0);
    elf.putInt(1)
        .putInt(5)
        .putLong(0)
        .putLong(LOAD_ADDRESS)
        .putLong(LOAD_ADDRESS) // PT_LOAD, r-x, the whole file
        .putLong(size)
        .putLong(size)
        .putLong(0x1000);
    elf.put(code);
    return elf.array();
  }
}
