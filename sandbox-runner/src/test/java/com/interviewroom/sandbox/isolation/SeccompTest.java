package com.interviewroom.sandbox.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The filter's decisions, read by a small classic-BPF interpreter (the instructions the generator
 * emits: absolute word loads, jeq/jge/jset with constants, returns), for every listed call, the
 * argument checks, other architectures, x32 and unlisted numbers. The adversarial suite checks the
 * same from inside real sandboxes in every language.
 */
class SeccompTest {
  private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
  private static final int AUDIT_ARCH_I386 = 0x40000003;
  private static final int ALLOW = 0x7FFF0000;
  private static final int KILL_PROCESS = 0x80000000;
  private static final int EPERM = 0x00050000 | 1;
  private static final int ENOSYS = 0x00050000 | 38;
  private static final int LOG = 0x7FFC0000;

  @Test
  @DisplayName(
      "default deny: listed calls allowed, exploit entry points EPERM, everything else ENOSYS")
  void allowList() {
    byte[] program = Seccomp.program();
    Seccomp.ALLOWED
        .values()
        .forEach(
            nr ->
                assertThat(run(program, AUDIT_ARCH_X86_64, nr, 0))
                    .as("call %d", nr)
                    .isEqualTo(ALLOW));
    Seccomp.DENIED
        .values()
        .forEach(
            nr ->
                assertThat(run(program, AUDIT_ARCH_X86_64, nr, 0))
                    .as("call %d", nr)
                    .isEqualTo(EPERM));
    Set<Integer> listed = new HashSet<>(Seccomp.ALLOWED.values());
    listed.addAll(Seccomp.DENIED.values());
    listed.addAll(Set.of(Seccomp.CLONE, Seccomp.SOCKET, Seccomp.SOCKETPAIR));
    for (int nr = 0; nr < 1024; nr++) {
      if (!listed.contains(nr)) {
        assertThat(run(program, AUDIT_ARCH_X86_64, nr, 0))
            .as("unlisted call %d", nr)
            .isEqualTo(ENOSYS);
      }
    }
    assertThat(Seccomp.ALLOWED.keySet())
        .doesNotContainAnyElementsOf(Seccomp.DENIED.keySet())
        .doesNotContain(
            "clone3",
            "io_uring_setup",
            "keyctl",
            "bpf",
            "ptrace",
            "unshare",
            "setns",
            "mount",
            "userfaultfd");
    assertThat(run(program, AUDIT_ARCH_X86_64, 435, 0))
        .as("clone3, whose flags a filter cannot read")
        .isEqualTo(ENOSYS);
  }

  @Test
  @DisplayName("clone without namespace flags only; sockets for AF_UNIX only")
  void argumentChecks() {
    byte[] program = Seccomp.program();
    int threadFlags = 0x003D0F00; // glibc's pthread_create
    assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.CLONE, threadFlags)).isEqualTo(ALLOW);
    assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.CLONE, 17)).as("fork").isEqualTo(ALLOW);
    for (int flag :
        new int[] {
          0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x80
        }) {
      assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.CLONE, 17 | flag))
          .as("clone with %x", flag)
          .isEqualTo(EPERM);
    }
    assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.SOCKET, 1)).isEqualTo(ALLOW);
    assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.SOCKETPAIR, 1)).isEqualTo(ALLOW);
    for (int family : new int[] {0, 2, 10, 16, 17, 38, 40}) {
      assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.SOCKET, family))
          .as("family %d", family)
          .isEqualTo(EPERM);
      assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.SOCKETPAIR, family))
          .as("family %d", family)
          .isEqualTo(EPERM);
    }
  }

  @Test
  @DisplayName(
      "another architecture's table kills; the x32 ABI answers EPERM even for calls x86_64 allows")
  void architectures() {
    byte[] program = Seccomp.program();
    assertThat(run(program, AUDIT_ARCH_I386, 20, 0)).isEqualTo(KILL_PROCESS);
    assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.X32_SYSCALL_BIT | 39, 0)).isEqualTo(EPERM);
    assertThat(run(program, AUDIT_ARCH_X86_64, Seccomp.X32_SYSCALL_BIT | 0, 0)).isEqualTo(EPERM);
    assertThat(run(program, AUDIT_ARCH_X86_64, -1, 0)).isEqualTo(EPERM);
  }

  @Test
  @DisplayName("the diagnostic mode logs unlisted calls and changes nothing else")
  void logMode() {
    byte[] program = Seccomp.program(Seccomp.Unlisted.LOG);
    assertThat(run(program, AUDIT_ARCH_X86_64, 435, 0)).isEqualTo(LOG);
    assertThat(run(program, AUDIT_ARCH_X86_64, 250, 0)).isEqualTo(EPERM);
    assertThat(run(program, AUDIT_ARCH_X86_64, 0, 0)).isEqualTo(ALLOW);
  }

  /** Runs the program on {@code struct seccomp_data {nr, arch, ip, args[6]}}. */
  private static int run(byte[] program, int arch, int nr, int arg0) {
    ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    data.putInt(0, nr).putInt(4, arch).putInt(16, arg0);
    ByteBuffer code = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
    int count = program.length / 8;
    int accumulator = 0;
    for (int pc = 0; pc < count; pc++) {
      int op = code.getShort(pc * 8) & 0xFFFF;
      int jt = code.get(pc * 8 + 2) & 0xFF;
      int jf = code.get(pc * 8 + 3) & 0xFF;
      int k = code.getInt(pc * 8 + 4);
      switch (op) {
        case 0x20 -> accumulator = data.getInt(k);
        case 0x15 -> pc += accumulator == k ? jt : jf;
        case 0x35 -> pc += Integer.compareUnsigned(accumulator, k) >= 0 ? jt : jf;
        case 0x45 -> pc += (accumulator & k) != 0 ? jt : jf;
        case 0x06 -> {
          return k;
        }
        default -> throw new AssertionError("unexpected instruction " + Integer.toHexString(op));
      }
    }
    throw new AssertionError("fell off the end of the program");
  }
}
