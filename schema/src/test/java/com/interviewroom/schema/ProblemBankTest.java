package com.interviewroom.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProblemBankTest {

  /** Surefire runs with the module directory as working directory. */
  private static final Path SOURCE_DIR = Path.of("src/main/resources/problems");

  @Test
  @DisplayName(
      "every problems/*.json file is listed in problems/index.txt, and every listed file exists")
  void indexListsEveryFile() throws IOException {
    List<String> onDisk;
    try (Stream<Path> files = Files.list(SOURCE_DIR)) {
      onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .sorted()
              .toList();
    }
    List<String> indexed = ProblemBank.indexedFiles(getClass().getClassLoader());

    assertThat(indexed).as("problems/index.txt (add the missing file names)").containsAll(onDisk);
    assertThat(onDisk).as("files named in problems/index.txt").containsAll(indexed);
    assertThat(indexed).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("the bank loads every indexed problem with its function, tests and starter code")
  void loadsTheBank() {
    ProblemBank bank = ProblemBank.load();

    assertThat(bank.size()).isEqualTo(ProblemBank.indexedFiles(getClass().getClassLoader()).size());
    for (Problem p : bank.problems()) {
      assertThat(p.tests()).as(p.slug() + " tests").isNotEmpty();
      assertThat(p.exampleTests()).as(p.slug() + " example tests").isNotEmpty();
      assertThat(p.starterCode())
          .as(p.slug() + " starter code")
          .containsKeys("python", "javascript", "java");
    }
    Problem twoSum = bank.bySlug("two-sum").orElseThrow();
    assertThat(twoSum.function().name()).isEqualTo("twoSum");
    assertThat(twoSum.function().params())
        .extracting(Problem.Param::name)
        .containsExactly("nums", "target");
  }

  @Test
  @DisplayName(
      "the bank is 50 problems, 25 easy and 25 medium, across the required categories and at least two more")
  void composition() {
    List<Problem> problems = ProblemBank.load().problems();

    assertThat(problems).hasSize(50);
    assertThat(problems).filteredOn(p -> p.difficulty().equals("easy")).hasSize(25);
    assertThat(problems).filteredOn(p -> p.difficulty().equals("medium")).hasSize(25);
    Set<String> categories = problems.stream().map(Problem::category).collect(Collectors.toSet());
    Set<String> required = Set.of("arrays", "strings", "hash-maps", "trees", "dynamic-programming");
    assertThat(categories).containsAll(required);
    assertThat(categories.stream().filter(c -> !required.contains(c)))
        .as("categories beyond the required five")
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  @DisplayName(
      "every problem has a description, constraints, >= 2 examples, >= 3 hidden tests, starters and solutions in all three languages")
  void everyProblemIsComplete() {
    for (Problem p : ProblemBank.load().problems()) {
      assertThat(p.description()).as(p.slug() + " description").isNotBlank();
      assertThat(p.constraints())
          .as(p.slug() + " constraints")
          .isNotEmpty()
          .allSatisfy(c -> assertThat(c).isNotBlank());
      assertThat(p.exampleTests()).as(p.slug() + " examples").hasSizeGreaterThanOrEqualTo(2);
      assertThat(p.tests().size() - p.exampleTests().size())
          .as(p.slug() + " hidden tests")
          .isGreaterThanOrEqualTo(3);
      for (String language : List.of("python", "javascript", "java")) {
        assertThat(p.starterCode().get(language))
            .as(p.slug() + " " + language + " starter")
            .isNotBlank();
        assertThat(p.solutions().get(language))
            .as(p.slug() + " " + language + " solution")
            .isNotBlank();
      }
    }
  }

  /** A minimal valid file; each refusal test breaks one thing in it. */
  private static final String VALID =
      """
        {"slug": "x", "title": "X", "difficulty": "easy", "category": "math", "description": "d",
         "constraints": ["1 <= a <= 10"],
         "function": {"name": "f", "params": [{"name": "a", "type": "int"}], "returns": "int"},
         "starterCode": {"python": "p", "javascript": "j", "java": "J"},
         "solutions": {"python": "p", "javascript": "j", "java": "J"},
         "tests": [%s]}""";

  private static String tests(String firstInput, int examples, int hidden) {
    List<String> tests = new java.util.ArrayList<>();
    for (int i = 0; i < examples + hidden; i++) {
      tests.add(
          "{\"input\": "
              + (i == 0 ? firstInput : "{\"a\": 1}")
              + ", \"expected\": 1, \"example\": "
              + (i < examples)
              + "}");
    }
    return String.join(",", tests);
  }

  @Test
  @DisplayName(
      "a file whose slug differs from its name, or whose test inputs miss a parameter, is refused")
  void refusesInconsistentFiles() {
    assertThatThrownBy(
            () -> ProblemBank.parse("y.json", VALID.formatted(tests("{\"a\": 1}", 2, 3))))
        .hasMessageContaining("does not match");
    assertThatThrownBy(
            () -> ProblemBank.parse("x.json", VALID.formatted(tests("{\"b\": 1}", 2, 3))))
        .hasMessageContaining("exactly the parameters");
    assertThat(
            ProblemBank.parse("x.json", VALID.formatted(tests("{\"a\": 1}", 2, 3)))
                .durationMinutes())
        .isEqualTo(30);
  }

  @Test
  @DisplayName(
      "a problem with too few examples or hidden tests, no constraints, or a language missing is refused")
  void refusesIncompleteProblems() {
    String ok = tests("{\"a\": 1}", 2, 3);
    assertThatThrownBy(
            () -> ProblemBank.parse("x.json", VALID.formatted(tests("{\"a\": 1}", 1, 4))))
        .hasMessageContaining("at least 2 example and 3 hidden");
    assertThatThrownBy(
            () -> ProblemBank.parse("x.json", VALID.formatted(tests("{\"a\": 1}", 3, 2))))
        .hasMessageContaining("at least 2 example and 3 hidden");
    assertThatThrownBy(
            () ->
                ProblemBank.parse(
                    "x.json", VALID.formatted(ok).replace("[\"1 <= a <= 10\"]", "[]")))
        .hasMessageContaining("constraints");
    assertThatThrownBy(
            () ->
                ProblemBank.parse("x.json", VALID.formatted(ok).replace("\"python\": \"p\", ", "")))
        .hasMessageContaining("'starterCode' has no python");
    assertThatThrownBy(
            () ->
                ProblemBank.parse(
                    "x.json",
                    VALID
                        .formatted(ok)
                        .replace(
                            "\"solutions\": {\"python\": \"p\", \"javascript\": \"j\", \"java\": \"J\"}",
                            "\"solutions\": {\"python\": \"p\", \"javascript\": \"j\", \"java\": \" \"}")))
        .hasMessageContaining("'solutions' has no java");
  }
}
