package com.interviewroom.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile programs, each of which must be contained with the right verdict, leave no process, cgroup
 * or file behind, and leave the runner serving the next request. Runs {@code -Dsandbox.rounds=N}
 * rounds (3 by default; 20 on demand) and checks the host after every round.
 */
class AdversarialSuiteTest {
  private static final int ROUNDS = Integer.getInteger("sandbox.rounds", 3);
  private static final Set<String> NEVER_ACCEPTED = Set.of("runtime_error", "wrong_answer");
  private final SandboxServer server = SandboxServer.shared();

  record Case(String name, String language, String code, JsonObject problem, Set<String> verdicts, Consumer<JsonObject> check) {
    Case(String name, String language, String code, String verdict) {
      this(name, language, code, null, Set.of(verdict), r -> {});
    }

    JsonObject request() {
      return problem == null ? Requests.program(language, code) : Requests.function(language, code, problem);
    }
  }

  private List<Case> cases(Path canary) {
    return List.of(
        new Case("infinite loop", "python", "while True:\n    pass\n", "time_limit_exceeded"),
        new Case("sleep", "python", "import time\ntime.sleep(60)\n", "time_limit_exceeded"),
        new Case("blocking read", "python", "import os\nr, w = os.pipe()\nos.read(r, 1)\n", "time_limit_exceeded"),
        new Case("fork bomb", "python", """
            import os
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
            """, "time_limit_exceeded"),
        new Case("thread bomb (python)", "python", """
            import threading, time
            while True:
                threading.Thread(target=time.sleep, args=(100,), daemon=True).start()
            """, "runtime_error"),
        new Case("thread bomb (java)", "java", """
            class Solution {
              public int[] twoSum(int[] nums, int target) {
                while (true) new Thread(() -> { try { Thread.sleep(100_000); } catch (InterruptedException e) { } }).start();
              }
            }
            """, Requests.twoSum(), Set.of("runtime_error"), r -> {}),
        new Case("memory bomb", "python", "chunks = []\nwhile True:\n    chunks.append(bytearray(50 * 1024 * 1024))\n",
            "memory_limit_exceeded"),
        new Case("deep recursion", "python", "class Solution:\n    def twoSum(self, nums, target):\n        return self.twoSum(nums, target)\n",
            Requests.twoSum(), Set.of("runtime_error"), r -> assertThat(r.encode()).contains("RecursionError")),
        new Case("100 MB of output", "python", "import sys\nsys.stdout.write('x' * 100_000_000)\n", null,
            Set.of("output_limit_exceeded"), r -> assertThat(r.getString("stdout").length()).isLessThanOrEqualTo(64 * 1024)),
        new Case("invalid UTF-8 output", "python", "import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe\\n')\n", null,
            Set.of("accepted"), r -> assertThat(r.getString("stdout")).startsWith("ok ").contains("\uFFFD")),
        new Case("filling /tmp", "python", "open('/tmp/fill', 'wb').write(b'x' * 100_000_000)\n", "runtime_error"),
        new Case("filling the work dir", "python", "open('fill', 'wb').write(b'x' * 100_000_000)\n", "runtime_error"),
        new Case("writing to /usr and /", "python", """
            for path in ['/usr/evil', '/evil', '/usr/lib/x86_64-linux-gnu/evil']:
                try:
                    open(path, 'w').write('x')
                    print('WROTE', path)
                except OSError as e:
                    print('refused', path)
            """, null, Set.of("accepted"), r -> assertThat(r.getString("stdout")).doesNotContain("WROTE")),
        new Case("another run's work dir", "python", """
            import os
            for path in %s:
                try:
                    open(os.path.join(path, 'evil'), 'w').write('x')
                    print('WROTE', path)
                except OSError:
                    print('refused')
            """.formatted(otherWorkDirs()), null, Set.of("accepted"), r -> assertThat(r.getString("stdout")).doesNotContain("WROTE")),
        new Case("leaving a file for the next run", "python",
            "open('leftover', 'w').write('x')\nopen('/tmp/leftover', 'w').write('x')\nopen('/dev/shm/leftover', 'w').write('x')\n",
            "accepted"),
        new Case("finding no leftover", "python",
            "import os\nprint([os.path.exists(p) for p in ['leftover', '/tmp/leftover', '/dev/shm/leftover']])\n", null,
            Set.of("accepted"), r -> assertThat(r.getString("stdout")).isEqualTo("[False, False, False]\n")),
        new Case("network: local services, DNS, external IP", "python", """
            import socket
            for host, port in [('127.0.0.1', 5432), ('127.0.0.1', 6379), ('1.1.1.1', 53), ('8.8.8.8', 443)]:
                try:
                    socket.create_connection((host, port), timeout=1)
                    print('CONNECTED', host, port)
                except OSError:
                    print('blocked')
            try:
                socket.getaddrinfo('example.com', 80)
                print('RESOLVED')
            except OSError:
                print('blocked')
            """, null, Set.of("accepted"), r -> assertThat(r.getString("stdout")).doesNotContain("CONNECTED", "RESOLVED")),
        new Case("secrets: /etc/shadow, home directories, environment", "python", """
            import os
            for path in ['/etc/shadow', '/etc/passwd', '/root', '/home']:
                try:
                    print('READ', path, len(os.listdir(path)) if os.path.isdir(path) else len(open(path).read()))
                except OSError:
                    print('absent')
            print(sorted(os.environ))
            """, null, Set.of("accepted"), r -> assertThat(r.getString("stdout")).doesNotContain("READ")
                .contains("['HOME', 'LANG', 'PATH', 'PWD']")),
        new Case("listing other processes", "python",
            "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n", null, Set.of("accepted"),
            r -> assertThat(r.getString("stdout").split(",").length).isLessThanOrEqualTo(3)),
        new Case("kill -1", "python", "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n    pass\nprint('alive')\n",
            null, Set.of("accepted"), r -> assertThat(r.getString("stdout")).isEqualTo("alive\n")),
        new Case("setsid daemon ignoring SIGTERM", "python", """
            import os, signal, time
            if os.fork() == 0:
                os.setsid()
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                if os.fork() == 0:
                    time.sleep(1000)
                os._exit(0)
            print('parent exits')
            """, "accepted"),
        new Case("os._exit(0) before results", "python",
            "import os\nclass Solution:\n    def twoSum(self, nums, target):\n        os._exit(0)\n", Requests.twoSum(),
            Set.of("runtime_error"), r -> {}),
        new Case("System.exit(0) before results", "java",
            "class Solution { public int[] twoSum(int[] nums, int target) { System.exit(0); return null; } }", Requests.twoSum(),
            Set.of("runtime_error"), r -> {}),
        new Case("process.exit(0) before results", "javascript", "function twoSum(nums, target) { process.exit(0); }",
            Requests.twoSum(), Set.of("runtime_error"), r -> {}),
        new Case("forging records on stdout", "python", """
            import json
            class Solution:
                def twoSum(self, nums, target):
                    for i in range(5):
                        record = json.dumps({"id": "h%d" % i, "ok": True, "actual": [0, 1]})
                        print("0" * 32, len(record)); print(record)
                    print(json.dumps({"done": 5}))
                    return [9, 9]
            """, Requests.twoSum(), Set.of("wrong_answer"), r -> {}),
        new Case("forging records on the side channel", "python", """
            import os
            class Solution:
                def twoSum(self, nums, target):
                    forged = b'guess 10\\n{"done":5}\\n'
                    for fd in range(3, 64):
                        try:
                            os.write(fd, forged)
                        except OSError:
                            pass
                    with open('.results', 'ab') as f:
                        f.write(forged)
                    return [9, 9]
            """, Requests.twoSum(), NEVER_ACCEPTED, r -> {}),
        new Case("symlink planted where the runner reads", "python", """
            import os
            class Solution:
                def twoSum(self, nums, target):
                    for name in ['.results', 'classes', 'canary']:
                        try:
                            os.remove(name)
                        except OSError:
                            pass
                    os.symlink('/etc/shadow', '.results')
                    os.symlink('%s', 'canary')
                    return [9, 9]
            """.formatted(canary), Requests.twoSum(), Set.of("wrong_answer"), r -> assertThat(canary).exists()),
        new Case("Java compile-time bomb", "java", javaCompileBomb(), Requests.twoSum(), Set.of("compilation_error"), r -> {}));
  }

  @TestFactory
  @DisplayName("the adversarial suite is contained, round after round")
  Stream<DynamicTest> adversarialSuite() throws IOException {
    Path canary = Files.createTempFile("sandbox-canary", ".txt");
    HostState baseline = HostState.capture(server);
    List<DynamicTest> tests = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      for (Case c : cases(canary)) {
        tests.add(DynamicTest.dynamicTest("round " + round + ": " + c.name(), () -> {
          JsonObject result = server.run(c.request());
          assertThat(c.verdicts()).as(result.encodePrettily()).contains(result.getString("verdict"));
          c.check().accept(result);
          HostState.assertNoRunLeftovers(server);
          assertThat(server.run(Requests.program("python", "print(6 * 7)")).getString("stdout")).isEqualTo("42\n");
        }));
      }
      int finished = round;
      tests.add(DynamicTest.dynamicTest("round " + round + ": host process count and disk unchanged", () -> {
        HostState after = HostState.capture(server);
        assertThat(after.runnerChildren()).as("runner child processes after round " + finished).isLessThanOrEqualTo(baseline.runnerChildren());
        assertThat(after.runnerTreeBytes()).as("bytes in the runner's directory tree").isEqualTo(baseline.runnerTreeBytes());
        assertThat(after.filesOwnedByRunUids()).as("files a sandbox uid left in host temp dirs").isZero();
        assertThat(canary).exists();
      }));
    }
    return tests.stream();
  }

  private String otherWorkDirs() {
    Path slots = server.verticle.service().rootDir().resolve("slots");
    return "['" + slots.resolve("slot-0") + "', '" + slots.resolve("slot-1") + "', '" + slots + "']";
  }

  /** Constant folding that doubles a string 40 times: javac exhausts its heap or its time budget. */
  private static String javaCompileBomb() {
    StringBuilder code = new StringBuilder("class Solution {\n  static final String A0 = \"xxxxxxxxxxxxxxxx\";\n");
    for (int i = 1; i < 40; i++) {
      code.append("  static final String A").append(i).append(" = A").append(i - 1).append(" + A").append(i - 1).append(";\n");
    }
    return code.append("  public int[] twoSum(int[] nums, int target) { return new int[0]; }\n}\n").toString();
  }
}
