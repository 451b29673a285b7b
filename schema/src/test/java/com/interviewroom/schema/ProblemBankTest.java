package com.interviewroom.schema;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProblemBankTest {

    /** Surefire runs with the module directory as working directory. */
    private static final Path SOURCE_DIR = Path.of("src/main/resources/problems");

    @Test
    @DisplayName("every problems/*.json file is listed in problems/index.txt, and every listed file exists")
    void indexListsEveryFile() throws IOException {
        List<String> onDisk;
        try (Stream<Path> files = Files.list(SOURCE_DIR)) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
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
            assertThat(p.starterCode()).as(p.slug() + " starter code").containsKeys("python", "javascript", "java");
        }
        Problem twoSum = bank.bySlug("two-sum").orElseThrow();
        assertThat(twoSum.function().name()).isEqualTo("twoSum");
        assertThat(twoSum.function().params()).extracting(Problem.Param::name).containsExactly("nums", "target");
    }

    @Test
    @DisplayName("a file whose slug differs from its name, or whose test inputs miss a parameter, is refused")
    void refusesInconsistentFiles() {
        String base = """
            {"slug": "x", "title": "X", "difficulty": "easy", "category": "math", "description": "d",
             "function": {"name": "f", "params": [{"name": "a", "type": "int"}], "returns": "int"},
             "tests": [{"input": %s, "expected": 1, "example": true}]}""";

        assertThatThrownBy(() -> ProblemBank.parse("y.json", base.formatted("{\"a\": 1}")))
            .hasMessageContaining("does not match");
        assertThatThrownBy(() -> ProblemBank.parse("x.json", base.formatted("{\"b\": 1}")))
            .hasMessageContaining("exactly the parameters");
        assertThat(ProblemBank.parse("x.json", base.formatted("{\"a\": 1}")).durationMinutes()).isEqualTo(30);
    }
}
