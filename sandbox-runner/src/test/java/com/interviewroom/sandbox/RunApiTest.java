package com.interviewroom.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The private API over real HTTP and real bubblewrap: verdicts, redaction, diagnostics, validation,
 * back-pressure.
 */
class RunApiTest {
  private final SandboxServer server = SandboxServer.shared();

  static List<Arguments> verdicts() {
    return List.of(
        Arguments.of("python", Requests.PY_TWO_SUM, "accepted"),
        Arguments.of(
            "python",
            "class Solution:\n    def twoSum(self, nums, target):\n        return [0, 0]\n",
            "wrong_answer"),
        Arguments.of(
            "python",
            "class Solution:\n    def twoSum(self, nums, target):\n        return nums[99]\n",
            "runtime_error"),
        Arguments.of(
            "python",
            "class Solution:\n    def twoSum(self, nums, target)\n        return []\n",
            "compilation_error"),
        Arguments.of("javascript", Requests.JS_TWO_SUM, "accepted"),
        Arguments.of(
            "javascript", "function twoSum(nums, target) { return [0, 0]; }", "wrong_answer"),
        Arguments.of(
            "javascript",
            "function twoSum(nums, target) { return nums.foo.bar; }",
            "runtime_error"),
        Arguments.of("java", Requests.JAVA_TWO_SUM, "accepted"),
        Arguments.of(
            "java",
            "class Solution { public int[] twoSum(int[] nums, int target) { return new int[] {0, 0}; } }",
            "wrong_answer"),
        Arguments.of(
            "java",
            "class Solution { public int[] twoSum(int[] nums, int target) { return new int[] {nums[99]}; } }",
            "runtime_error"),
        Arguments.of(
            "java",
            "class Solution { public int[] twoSum(int[] nums, int target) { return nums } }",
            "compilation_error"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("verdicts")
  @DisplayName("each language's harness reaches the right verdict")
  void verdict(String language, String code, String verdict) {
    JsonObject result = server.run(Requests.function(language, code, Requests.twoSum()));
    assertThat(result.getString("verdict")).as(result.encodePrettily()).isEqualTo(verdict);
    if (!verdict.equals("compilation_error")) {
      assertThat(result.getJsonArray("tests")).hasSize(5);
    }
  }

  @Test
  @DisplayName(
      "Java: heap exhaustion in a plain run is memory_limit_exceeded; infinite recursion a quick runtime_error (StackOverflowError)")
  void javaMemoryVerdicts() {
    JsonObject heap =
        server.run(
            Requests.program(
                "java",
                """
        import java.util.*;
        public class Main { public static void main(String[] a) { List<long[]> keep = new ArrayList<>(); while (true) keep.add(new long[1 << 20]); } }
        """));
    assertThat(heap.getString("verdict"))
        .as(heap.encodePrettily())
        .isEqualTo("memory_limit_exceeded");
    JsonObject recursion =
        server.run(
            Requests.function(
                "java",
                "class Solution { public int[] twoSum(int[] nums, int target) { return twoSum(nums, target + 1); } }",
                Requests.twoSum()));
    assertThat(recursion.getString("verdict"))
        .as(recursion.encodePrettily())
        .isEqualTo("runtime_error");
    assertThat(recursion.encode()).contains("StackOverflowError");
    assertThat(recursion.getLong("durationMs") - recursion.getLong("compileMs"))
        .as("not after seconds of filling memory")
        .isLessThan(3_000);
  }

  @Test
  @DisplayName("5,000 Java classes are a compilation_error naming the limit, not an internal error")
  void tooManyJavaClasses() {
    StringBuilder code =
        new StringBuilder(
            "public class Main { public static void main(String[] a) { System.out.println(1); } }\n");
    for (int i = 0; i < 5_000; i++) {
      code.append("class C").append(i).append("{}");
    }
    JsonObject result = server.run(Requests.program("java", code.toString()));
    assertThat(result.getString("verdict"))
        .as(result.encodePrettily())
        .isEqualTo("compilation_error");
    assertThat(result.getString("stderr")).contains("5001 classes").contains("at most 1000");
  }

  @Test
  @DisplayName(
      "a Python syntax error is a compilation_error naming the line, in a plain run as in a submission")
  void pythonSyntaxErrorIsACompileError() {
    JsonObject plain = server.run(Requests.program("python", "print('hello'\n"));
    assertThat(plain.getString("verdict"))
        .as(plain.encodePrettily())
        .isEqualTo("compilation_error");
    assertThat(plain.getString("stderr"))
        .contains("SyntaxError")
        .contains("line 1")
        .doesNotContain("/harness/");
    JsonObject submitted =
        server.run(
            Requests.function(
                "python",
                "class Solution:\n  def twoSum(self, nums, target)\n    return []\n",
                Requests.twoSum()));
    assertThat(submitted.getString("verdict")).isEqualTo("compilation_error");
    assertThat(submitted.getString("stderr")).contains("SyntaxError").contains("line 2");
    JsonObject raised = server.run(Requests.program("python", "raise ValueError('at run time')\n"));
    assertThat(raised.getString("verdict"))
        .as("an exception at run time stays a runtime error")
        .isEqualTo("runtime_error");
  }

  @Test
  @DisplayName(
      "hidden tests show only pass/fail and time; examples show input, expected, actual and the error")
  void hiddenTestsAreRedacted() {
    String code =
        """
        class Solution:
            def twoSum(self, nums, target):
                print("seen", nums)
                if len(nums) == 2:
                    raise ValueError("secret %s" % nums)
                return [0, 1]
        """;
    JsonObject result = server.run(Requests.function("python", code, Requests.twoSum()));
    assertThat(result.getString("verdict")).isEqualTo("runtime_error");
    assertThat(result.getString("stdout"))
        .contains("seen [2, 7, 11, 15]")
        .doesNotContain("[3, 3]")
        .doesNotContain("1000000000");
    assertThat(result.getString("stderr")).doesNotContain("secret");
    JsonObject example = result.getJsonArray("tests").getJsonObject(0);
    assertThat(example.fieldNames()).contains("input", "expected", "actual");
    JsonObject hidden = result.getJsonArray("tests").getJsonObject(2);
    assertThat(hidden.fieldNames()).containsExactlyInAnyOrder("id", "hidden", "passed");
    assertThat(hidden.getBoolean("passed")).isFalse();
    assertThat(result.encode())
        .doesNotContain("secret")
        .doesNotContain("/harness/")
        .doesNotContain("/work/");
  }

  static List<Arguments> hiddenInputProbes() {
    return List.of(
        Arguments.of(
            "python",
            """
            import sys
            class Solution:
                def twoSum(self, nums, target):
                    print("ARGS", nums, target)
                    print(sys._getframe(1).f_locals)
                    print(sys._getframe(1).f_locals, file=sys.stderr)
                    seen = {}
                    for i, n in enumerate(nums):
                        if target - n in seen:
                            return [seen[target - n], i]
                        seen[n] = i
            """),
        // Holds back anything that looks like a harness marker and re-emits it after the last call.
        Arguments.of(
            "javascript",
            """
            const fs = require('fs');
            if (!globalThis.probe) {
              const write = fs.writeSync.bind(fs);
              globalThis.probe = { write, held: [] };
              fs.writeSync = (fd, data, ...rest) => {
                if ((fd === 1 || fd === 2) && String(data).includes('@@')) { globalThis.probe.held.push([fd, data]); return String(data).length; }
                return write(fd, data, ...rest);
              };
              process.on('exit', () => globalThis.probe.held.forEach(([fd, data]) => write(fd, data)));
            }
            function twoSum(nums, target) {
              globalThis.probe.write(1, 'ARGS ' + JSON.stringify(nums) + ' ' + target + '\\n');
              globalThis.probe.write(2, 'ARGS ' + JSON.stringify(nums) + ' ' + target + '\\n');
              const seen = new Map();
              for (let i = 0; i < nums.length; i++) {
                if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
                seen.set(nums[i], i);
              }
            }
            """),
        Arguments.of(
            "java",
            """
            class Solution {
              static final java.io.PrintStream REAL = System.out;
              static byte[] held;
              static int calls;
              static {
                System.setOut(new java.io.PrintStream(new java.io.OutputStream() {
                  public void write(int b) { REAL.write(b); }
                  public void write(byte[] b, int off, int len) {
                    if (new String(b, off, len).contains("@@")) { held = Arrays.copyOfRange(b, off, off + len); return; }
                    REAL.write(b, off, len);
                  }
                }, true));
              }
              public int[] twoSum(int[] nums, int target) {
                REAL.println("ARGS " + Arrays.toString(nums) + " " + target);
                System.err.println("ARGS " + Arrays.toString(nums) + " " + target);
                if (++calls == 5 && held != null) REAL.write(held, 0, held.length);
                REAL.flush();
                Map<Integer, Integer> seen = new HashMap<>();
                for (int i = 0; i < nums.length; i++) {
                  if (seen.containsKey(target - nums[i])) return new int[] {seen.get(target - nums[i]), i};
                  seen.put(nums[i], i);
                }
                return new int[0];
              }
            }
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hiddenInputProbes")
  @DisplayName(
      "in submit mode, code that prints its arguments and digs in the harness's frames shows no hidden input")
  void hiddenInputsNeverReachTheOutput(String language, String code) {
    JsonObject result = server.run(Requests.function(language, code, Requests.twoSum()));
    assertThat(result.getString("verdict")).as(result.encodePrettily()).isEqualTo("accepted");
    assertThat(result.getString("stdout").replace(" ", ""))
        .as("the example run's output is shown")
        .contains("ARGS[2,7,11,15]9");
    String shown = result.encode().replace(" ", "");
    // The hidden inputs of Requests.twoSum(): [3,3]/6, [-1,-2,-3,-4,-5]/-8,
    // [1000000000,5,999999999]/1999999999.
    assertThat(shown)
        .doesNotContain("[3,3]")
        .doesNotContain("-1,-2")
        .doesNotContain("-8")
        .doesNotContain("1000000000")
        .doesNotContain("999999999");
  }

  @Test
  @DisplayName("an example's error shows the candidate's frames, not the harness's or host paths")
  void errorsAreStripped() {
    JsonObject result =
        server.run(
            Requests.function(
                "python",
                "class Solution:\n    def twoSum(self, nums, target):\n        return 1 // 0\n",
                Requests.twoSum()));
    String error = result.getJsonArray("tests").getJsonObject(0).getString("error");
    assertThat(error)
        .contains("solution.py", "line 3", "ZeroDivisionError")
        .doesNotContain("harness")
        .doesNotContain("/tmp");
  }

  static List<Arguments> strippedErrors() {
    return List.of(
        Arguments.of(
            "javascript",
            "function twoSum(nums, target) {\n  return nums.foo.bar;\n}\n",
            List.of("TypeError", "solution.js:2")),
        Arguments.of(
            "java",
            "class Solution {\n  public int[] twoSum(int[] nums, int target) {\n    return new int[] {nums[99]};\n  }\n}\n",
            List.of("ArrayIndexOutOfBoundsException", "Solution.java:3", "Solution.twoSum")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strippedErrors")
  @DisplayName(
      "JavaScript and Java errors show the candidate's frames with bare file names, no harness frames or host paths")
  void errorsAreStrippedPerLanguage(String language, String code, List<String> expected) {
    JsonObject result = server.run(Requests.function(language, code, Requests.twoSum()));
    assertThat(result.getString("verdict")).isEqualTo("runtime_error");
    String error = result.getJsonArray("tests").getJsonObject(0).getString("error");
    assertThat(error).as(result.encodePrettily()).contains(expected);
    assertThat(error)
        .doesNotContain(
            "harness",
            "Harness",
            "node:internal",
            "jdk.internal",
            "java.base/",
            "/work/",
            "/tmp/",
            "vm.js");
    assertThat(result.encode()).doesNotContain(server.verticle.service().rootDir().toString());
  }

  static List<Arguments> textPrograms() {
    return List.of(
        Arguments.of(
            "python",
            "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\nsys.exit(a % 7)\n"),
        Arguments.of(
            "javascript",
            """
            const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);
            console.log(a + b);
            process.exitCode = a % 7;
            """),
        Arguments.of(
            "java",
            """
            public class Main {
              public static void main(String[] args) {
                Scanner in = new Scanner(System.in);
                int a = in.nextInt(), b = in.nextInt();
                System.out.println(a + b);
                System.exit(a % 7);
              }
            }
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("textPrograms")
  @DisplayName(
      "a stdout problem compares whitespace-normalised output per test; hidden tests show neither output nor exit code")
  void textProblem(String language, String code) {
    JsonObject problem =
        new JsonObject()
            .put("compare", "text")
            .put(
                "tests",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("id", "e1")
                            .put("input", "7 35\n")
                            .put("expected", "  42 \n\n")
                            .put("hidden", false))
                    .add(
                        new JsonObject()
                            .put("id", "h1")
                            .put("input", "10 4313")
                            .put("expected", "4323")
                            .put("hidden", true))
                    .add(
                        new JsonObject()
                            .put("id", "h2")
                            .put("input", "3 3")
                            .put("expected", "7")
                            .put("hidden", true)));
    JsonObject result = server.run(Requests.function(language, code, problem));
    // e1 passes and exits 0 (7 % 7); h1 prints the right sum but exits 3; h2 is a wrong answer.
    assertThat(result.getString("verdict")).as(result.encodePrettily()).isEqualTo("runtime_error");
    assertThat(result.getString("stdout")).isEqualTo("42\n");
    assertThat(result.getInteger("exitCode"))
        .as("the example's exit code, never a hidden test's")
        .isZero();
    JsonArray tests = result.getJsonArray("tests");
    assertThat(tests.getJsonObject(0).getBoolean("passed")).isTrue();
    assertThat(tests.getJsonObject(0).getString("actual")).isEqualTo("42\n");
    assertThat(tests.getJsonObject(1).getBoolean("passed")).isFalse();
    assertThat(tests.getJsonObject(2).getBoolean("passed")).isFalse();
    assertThat(tests.getJsonObject(1).fieldNames())
        .containsExactlyInAnyOrder("id", "hidden", "passed");
    assertThat(result.encode()).doesNotContain("4313").doesNotContain("4323");
    JsonObject accepted =
        server.run(
            Requests.function(
                language,
                code,
                problem
                    .copy()
                    .put(
                        "tests",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("id", "e1")
                                    .put("input", "7 0")
                                    .put("expected", "7")
                                    .put("hidden", false))
                            .add(
                                new JsonObject()
                                    .put("id", "h1")
                                    .put("input", "14 1")
                                    .put("expected", "15")
                                    .put("hidden", true)))));
    assertThat(accepted.getString("verdict")).as(accepted.encodePrettily()).isEqualTo("accepted");
  }

  @Test
  @DisplayName("TreeNode, ListNode and void in-place problems convert in LeetCode's formats")
  void structuredTypes() {
    JsonObject invert =
        problem(
            "invertTree",
            "TreeNode",
            "TreeNode",
            "root",
            new JsonArray("[4,2,7,1,3,6,9]"),
            new JsonArray("[4,7,2,9,6,3,1]"));
    assertThat(
            server
                .run(
                    Requests.function(
                        "python",
                        """
        class Solution:
            def invertTree(self, root):
                if root: root.left, root.right = self.invertTree(root.right), self.invertTree(root.left)
                return root
        """,
                        invert))
                .getString("verdict"))
        .isEqualTo("accepted");
    assertThat(
            server
                .run(
                    Requests.function(
                        "java",
                        """
        class Solution {
          public TreeNode invertTree(TreeNode root) {
            if (root == null) return null;
            TreeNode l = invertTree(root.left); root.left = invertTree(root.right); root.right = l; return root;
          }
        }
        """,
                        invert))
                .getString("verdict"))
        .isEqualTo("accepted");
    JsonObject reverse =
        problem(
            "reverseList",
            "ListNode",
            "ListNode",
            "head",
            new JsonArray("[1,2,3]"),
            new JsonArray("[3,2,1]"));
    assertThat(
            server
                .run(
                    Requests.function(
                        "javascript",
                        """
        function reverseList(head) {
          let prev = null;
          while (head) { const next = head.next; head.next = prev; prev = head; head = next; }
          return prev;
        }
        """,
                        reverse))
                .getString("verdict"))
        .isEqualTo("accepted");
    JsonObject sortInPlace =
        problem(
            "sortColors",
            "int[]",
            "void",
            "nums",
            new JsonArray("[2,0,1]"),
            new JsonArray("[0,1,2]"));
    assertThat(
            server
                .run(
                    Requests.function(
                        "java",
                        "class Solution { public void sortColors(int[] nums) { Arrays.sort(nums); } }",
                        sortInPlace))
                .getString("verdict"))
        .isEqualTo("accepted");
    assertThat(
            server
                .run(
                    Requests.function(
                        "python",
                        "class Solution:\n    def sortColors(self, nums):\n        nums.sort()\n",
                        sortInPlace))
                .getString("verdict"))
        .isEqualTo("accepted");
  }

  @Test
  @DisplayName("a plain program run returns stdout, stderr and the exit code")
  void plainProgram() {
    JsonObject ok =
        server.run(
            Requests.program("python", "import sys\nprint(sys.stdin.read().upper())\n")
                .put("stdin", "abc"));
    assertThat(ok.getString("verdict")).isEqualTo("accepted");
    assertThat(ok.getString("stdout")).isEqualTo("ABC\n");
    JsonObject failing =
        server.run(Requests.program("javascript", "console.error('bad'); process.exit(3);"));
    assertThat(failing.getString("verdict")).isEqualTo("runtime_error");
    assertThat(failing.getInteger("exitCode")).isEqualTo(3);
    assertThat(failing.getString("stderr")).contains("bad");
    JsonObject java =
        server.run(
            Requests.program(
                "java",
                "public class Main { public static void main(String[] a) { System.out.println(List.of(1, 2)); } }"));
    assertThat(java.getString("stdout")).as(java.encode()).isEqualTo("[1, 2]\n");
    assertThat(java.getLong("compileMs")).isNotNull();
  }

  @Test
  @DisplayName("/v1/check reports the parsers' own syntax errors with line and column")
  void check() {
    JsonObject python =
        server
            .post(
                "/v1/check",
                new JsonObject().put("language", "python").put("code", "x = 1\ndef f(:\n  pass\n"))
            .bodyAsJsonObject();
    assertThat(python.getBoolean("ok")).isFalse();
    assertThat(python.getJsonArray("diagnostics").getJsonObject(0).getInteger("line")).isEqualTo(2);
    JsonObject js =
        server
            .post(
                "/v1/check",
                new JsonObject()
                    .put("language", "javascript")
                    .put("code", "let a = 1;\nlet b = ;\n"))
            .bodyAsJsonObject();
    assertThat(js.getBoolean("ok")).isFalse();
    assertThat(js.getJsonArray("diagnostics").getJsonObject(0).getInteger("line")).isEqualTo(2);
    JsonObject java =
        server
            .post(
                "/v1/check",
                new JsonObject()
                    .put("language", "java")
                    .put("code", "class Solution {\n  int f() { return 1 }\n}\n"))
            .bodyAsJsonObject();
    assertThat(java.getBoolean("ok")).isFalse();
    assertThat(java.getJsonArray("diagnostics").getJsonObject(0).getInteger("line")).isEqualTo(2);
    JsonObject fine =
        server
            .post(
                "/v1/check",
                new JsonObject().put("language", "python").put("code", Requests.PY_TWO_SUM))
            .bodyAsJsonObject();
    assertThat(fine.getBoolean("ok")).isTrue();
    assertThat(fine.getJsonArray("diagnostics")).isEmpty();
  }

  @Test
  @DisplayName("invalid requests get 400 problem+json naming each field; oversized bodies 413")
  void validation() {
    var response =
        server.post("/v1/run", new JsonObject().put("language", "cobol").put("mode", "later"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getJsonArray("errors").encode())
        .contains("language", "code", "mode");
    var tooBig = server.post("/v1/run", Requests.program("python", "#" + "x".repeat(300_000)));
    assertThat(tooBig.statusCode()).isEqualTo(413);
  }

  @Test
  @DisplayName("/v1/runtimes lists the local runtimes and /health answers")
  void runtimesAndHealth() {
    JsonObject runtimes = server.client.get("/v1/runtimes").send().await().bodyAsJsonObject();
    assertThat(runtimes.getJsonArray("runtimes").encode())
        .contains("python", "javascript", "java", "local");
    assertThat(server.client.get("/health").send().await().statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "integers beyond 2^53 stay exact in every language: JavaScript reads and writes them as BigInt (issue 22 G)")
  void integersBeyondDoublePrecision() {
    JsonObject problem =
        new JsonObject()
            .put(
                "function",
                new JsonObject()
                    .put("name", "addTwo")
                    .put(
                        "params",
                        new io.vertx.core.json.JsonArray()
                            .add(new JsonObject().put("name", "n").put("type", "long")))
                    .put("returns", "long"))
            .put("compare", "exact")
            .put(
                "tests",
                new io.vertx.core.json.JsonArray()
                    .add(
                        Requests.test(
                            "e1",
                            new JsonObject().put("n", 9007199254740993L),
                            9007199254740995L,
                            false))
                    .add(Requests.test("e2", new JsonObject().put("n", 5), 7, false))
                    .add(
                        Requests.test(
                            "h1",
                            new JsonObject().put("n", -9007199254740993L),
                            -9007199254740991L,
                            true)));
    java.util.Map<String, String> exact =
        java.util.Map.of(
            "python", "class Solution:\n    def addTwo(self, n):\n        return n + 2\n",
            "java", "class Solution { public long addTwo(long n) { return n + 2; } }",
            "javascript", "function addTwo(n) { return typeof n === 'bigint' ? n + 2n : n + 2; }");
    exact.forEach(
        (language, code) -> {
          JsonObject result = server.run(Requests.function(language, code, problem));
          assertThat(result.getString("verdict"))
              .as(language + ": " + result.encodePrettily())
              .isEqualTo("accepted");
        });
    JsonObject first =
        server
            .run(
                Requests.function(
                    "javascript",
                    "function addTwo(n) { return String(typeof n) === 'bigint' ? n + 2n : 0; }",
                    problem))
            .getJsonArray("tests")
            .getJsonObject(0);
    assertThat(first.getValue("actual"))
        .as("a BigInt result is written exactly")
        .isEqualTo(9007199254740995L);
    JsonObject rounded =
        server.run(
            Requests.function(
                "javascript", "function addTwo(n) { return Number(n) + 2; }", problem));
    assertThat(rounded.getString("verdict"))
        .as("a double cannot hold 2^53 + 3")
        .isEqualTo("wrong_answer");
  }

  @Test
  @DisplayName(
      "observer checks hold at most half the slots: with a compile bomb in the lane, another check waits its turn and a run goes through at once")
  void checksCannotTakeTheSlotsRunsNeed() throws Exception {
    var bomb =
        server
            .client
            .post("/v1/check")
            .timeout(30_000)
            .sendJsonObject(
                new JsonObject()
                    .put("language", "java")
                    .put("code", AdversarialSuiteTest.javaCompileBomb()))
            .toCompletionStage()
            .toCompletableFuture();
    Thread.sleep(300);
    var second =
        server
            .client
            .post("/v1/check")
            .timeout(30_000)
            .sendJsonObject(new JsonObject().put("language", "python").put("code", "x = 1\n"))
            .toCompletionStage()
            .toCompletableFuture();
    long started = System.nanoTime();
    assertThat(server.run(Requests.program("python", "print(6 * 7)")).getString("stdout"))
        .isEqualTo("42\n");
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("the run did not wait for the check")
        .isLessThan(2_000);
    assertThat(second.isDone())
        .as("the second check waits for the lane's only running place")
        .isFalse();
    assertThat(
            bomb.get(30, java.util.concurrent.TimeUnit.SECONDS).bodyAsJsonObject().getBoolean("ok"))
        .isFalse();
    assertThat(second.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode())
        .as("its turn came")
        .isEqualTo(200);
  }

  @Test
  @DisplayName("with every slot and queue place taken the runner answers 503 with Retry-After")
  void backPressure() {
    SandboxServer small = SandboxServer.dedicated(1, 1);
    try {
      List<CompletableFuture<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(
            small
                .client
                .post("/v1/run")
                .sendJsonObject(Requests.program("python", "import time\ntime.sleep(1)"))
                .toCompletionStage()
                .toCompletableFuture());
      }
      List<HttpResponse<Buffer>> responses = calls.stream().map(CompletableFuture::join).toList();
      assertThat(responses)
          .extracting(HttpResponse::statusCode)
          .containsOnly(200, 503)
          .filteredOn(s -> s == 200)
          .hasSize(2);
      List<HttpResponse<Buffer>> refused =
          responses.stream().filter(r -> r.statusCode() == 503).toList();
      assertThat(refused)
          .hasSize(2)
          .allSatisfy(
              r -> {
                assertThat(r.getHeader("Retry-After"))
                    .as("Retry-After on the 503")
                    .isNotBlank()
                    .containsOnlyDigits();
                assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
              });
    } finally {
      small.close();
    }
  }

  private static JsonObject problem(
      String name, String paramType, String returns, String param, Object input, Object expected) {
    return new JsonObject()
        .put(
            "function",
            new JsonObject()
                .put("name", name)
                .put(
                    "params",
                    new JsonArray().add(new JsonObject().put("name", param).put("type", paramType)))
                .put("returns", returns))
        .put("compare", "exact")
        .put(
            "tests",
            new JsonArray()
                .add(Requests.test("1", new JsonObject().put(param, input), expected, false))
                .add(
                    Requests.test(
                        "2", new JsonObject().put(param, new JsonArray()), new JsonArray(), true)));
  }
}
