package com.interviewroom.sandbox.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.sandbox.RunRequest;
import com.interviewroom.sandbox.RunResult;
import com.interviewroom.sandbox.SandboxService;
import com.interviewroom.sandbox.Verdict;
import com.interviewroom.schema.Problem;
import com.interviewroom.schema.ProblemBank;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every problem of the bank, in every language, through the real sandbox (bwrap, cgroups, the warm
 * Java compiler): the reference solution passes every test in {@code submit} mode, and the starter
 * code loads and runs (a stub may answer wrongly, but must not fail to compile or break the
 * harness).
 *
 * <p>Requests are built exactly as the edge API builds them and parsed by the runner's own {@link
 * RequestParser}, then run in-process on {@link SandboxService} (no HTTP needed to reach it).
 */
class ProblemBankSandboxTest {
  private static final ProblemBank BANK = ProblemBank.load();

  private static SandboxService service;
  private static ExecutorService threads;

  @BeforeAll
  static void start() throws Exception {
    service = SandboxService.start(2, 8, true);
    service.warmUp();
    threads = Executors.newVirtualThreadPerTaskExecutor();
  }

  @AfterAll
  static void stop() {
    if (threads != null) {
      threads.shutdownNow();
    }
    if (service != null) {
      service.close();
    }
  }

  static Stream<Arguments> problemsAndLanguages() {
    assertThat(BANK.size()).isEqualTo(50);
    return BANK.problems().stream()
        .flatMap(p -> Problem.LANGUAGES.stream().map(lang -> Arguments.of(p.slug(), lang)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("problemsAndLanguages")
  @DisplayName("the reference solution is accepted on every test and the starter code runs")
  void referenceAndStarter(String slug, String language) throws Exception {
    Problem problem = BANK.bySlug(slug).orElseThrow();
    String solution = problem.solutions().get(language);
    String starter = problem.starterCode().get(language);
    assertThat(solution).as("%s has a %s solution", slug, language).isNotBlank();
    assertThat(starter).as("%s has %s starter code", slug, language).isNotBlank();

    // Both runs at once: the service has two slots, and the bank takes 300 runs.
    CompletableFuture<RunResult> reference = runAsync(language, solution, "submit", problem);
    CompletableFuture<RunResult> stub = runAsync(language, starter, "run", problem);

    List<String> failures = new ArrayList<>();
    RunResult ref = reference.get();
    if (ref.verdict() != Verdict.ACCEPTED
        || ref.tests().size() != problem.tests().size()
        || !ref.tests().stream().allMatch(RunResult.TestResult::passed)) {
      failures.add(
          "reference solution: "
              + ref.verdict().wireName()
              + " ("
              + passed(ref)
              + " of "
              + problem.tests().size()
              + " tests passed)"
              + diagnose(language, solution, problem, ref));
    }
    RunResult start = stub.get();
    if (!starterRuns(start, problem)) {
      failures.add(
          "starter code: "
              + start.verdict().wireName()
              + "\n  stderr: "
              + start.stderr().strip()
              + start.tests().stream()
                  .filter(t -> t.error() != null)
                  .map(t -> "\n  test " + t.id() + ": " + t.error().strip())
                  .findFirst()
                  .orElse(""));
    }
    assertThat(failures).as("%s in %s", slug, language).isEmpty();
  }

  @Test
  @DisplayName(
      "a starter that does not parse or names the wrong function fails the starter check; one that raises passes")
  void starterCheckTellsLoadFailuresFromStubs() throws Exception {
    Problem twoSum = BANK.bySlug("two-sum").orElseThrow();
    RunResult syntax =
        runAsync(
                "python",
                "class Solution:\n    def twoSum(self, nums, target)\n        return []\n",
                "run",
                twoSum)
            .get();
    RunResult misnamed =
        runAsync(
                "javascript",
                "function twoSums(nums, target) {\n    return [];\n}\n",
                "run",
                twoSum)
            .get();
    RunResult raises =
        runAsync(
                "python",
                "class Solution:\n    def twoSum(self, nums, target):\n        raise NotImplementedError\n",
                "run",
                twoSum)
            .get();
    assertThat(syntax.verdict())
        .as("a Python syntax error is a compile error (issue 22 item 5)")
        .isEqualTo(Verdict.COMPILATION_ERROR);
    assertThat(starterRuns(syntax, twoSum)).isFalse();
    assertThat(misnamed.verdict()).isEqualTo(Verdict.RUNTIME_ERROR);
    assertThat(starterRuns(misnamed, twoSum)).isFalse();
    assertThat(raises.verdict()).isEqualTo(Verdict.RUNTIME_ERROR);
    assertThat(starterRuns(raises, twoSum)).isTrue();
  }

  private CompletableFuture<RunResult> runAsync(
      String language, String code, String mode, Problem problem) {
    RunRequest request =
        RequestParser.run(
            new JsonObject()
                .put("language", language)
                .put("code", code)
                .put("mode", mode)
                .put("problem", edgeProblemBlock(problem, mode.equals("submit"))));
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return service.run(request);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        },
        threads);
  }

  /**
   * The {@code problem} block the edge API sends: ProblemBankSeeder stores the signature as {@link
   * Problem.FunctionSignature#toJson()}, the compare mode, and each test under its index as
   * ordinal, hidden unless it is an example; ExecutionRepository reads them back with the ordinal
   * as id, examples only for {@code run}.
   */
  static JsonObject edgeProblemBlock(Problem problem, boolean includeHidden) {
    JsonArray tests = new JsonArray();
    for (int i = 0; i < problem.tests().size(); i++) {
      Problem.TestCase t = problem.tests().get(i);
      if (t.example() || includeHidden) {
        tests.add(testJson(i, t, !t.example()));
      }
    }
    return new JsonObject()
        .put("function", problem.function().toJson())
        .put("compare", problem.compare())
        .put("tests", tests);
  }

  private static JsonObject testJson(int ordinal, Problem.TestCase t, boolean hidden) {
    // Through text, as the database hands it over: numbers come back as Vert.x decodes them.
    return new JsonObject()
        .put("id", ordinal)
        .put("input", new JsonObject(t.input().encode()))
        .put("expected", Json.decodeValue(Json.encode(t.expected())))
        .put("hidden", hidden);
  }

  /**
   * A stub may return a wrong value, or raise from inside the function; it must not fail to compile
   * or load. A Python or JavaScript syntax error, or a function the harness cannot find, also ends
   * in runtime_error, but then no example carries an error of its own: that is what tells them
   * apart.
   */
  static boolean starterRuns(RunResult result, Problem problem) {
    return switch (result.verdict()) {
      case ACCEPTED, WRONG_ANSWER -> true;
      case RUNTIME_ERROR ->
          result.tests().size() == problem.exampleTests().size()
              && result.tests().stream()
                  .allMatch(
                      t ->
                          t.error() != null
                              && !t.error()
                                  .contains(
                                      "function " + problem.function().name() + " is not defined"));
      default -> false;
    };
  }

  private static long passed(RunResult result) {
    return result.tests().stream().filter(RunResult.TestResult::passed).count();
  }

  /**
   * Hidden results carry no input or output, so the failing tests run again as examples: the
   * message then shows their input, expected and actual value or error, plus the run's stderr.
   */
  private String diagnose(String language, String code, Problem problem, RunResult failed)
      throws Exception {
    StringBuilder out = new StringBuilder();
    if (!failed.stderr().isBlank()) {
      out.append("\n  stderr: ").append(failed.stderr().strip());
    }
    JsonArray again = new JsonArray();
    for (RunResult.TestResult t : failed.tests()) {
      if (!t.passed()) {
        int ordinal = Integer.parseInt(t.id());
        again.add(testJson(ordinal, problem.tests().get(ordinal), false));
      }
    }
    if (again.isEmpty()) {
      return out.toString();
    }
    JsonObject block = edgeProblemBlock(problem, false).put("tests", again);
    RunResult shown =
        service.run(
            RequestParser.run(
                new JsonObject()
                    .put("language", language)
                    .put("code", code)
                    .put("mode", "submit")
                    .put("problem", block)));
    for (RunResult.TestResult t : shown.tests()) {
      out.append("\n  test ")
          .append(t.id())
          .append(
              problem.tests().get(Integer.parseInt(t.id())).example() ? " (example)" : " (hidden)")
          .append(": input ")
          .append(Json.encode(t.input()))
          .append(" expected ")
          .append(Json.encode(t.expected()))
          .append(" actual ")
          .append(Json.encode(t.actual()));
      if (t.error() != null) {
        out.append(" error ").append(t.error().strip());
      }
    }
    return out.toString();
  }
}
