package com.interviewroom.edge.notes;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InterviewerNotesTest {

  @Test
  @DisplayName(
      "a run's note names the failing example test with input, expected and actual; hidden tests only as counts")
  void executionNote() {
    JsonObject result =
        new JsonObject()
            .put("verdict", "wrong_answer")
            .put(
                "tests",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("id", "t1")
                            .put("hidden", false)
                            .put("passed", true)
                            .put("input", new JsonArray().add(1)))
                    .add(new JsonObject().put("id", "t2").put("hidden", false).put("passed", true))
                    .add(
                        new JsonObject()
                            .put("id", "t3")
                            .put("hidden", false)
                            .put("passed", false)
                            .put(
                                "input",
                                new JsonObject()
                                    .put("nums", new JsonArray().add(3).add(3))
                                    .put("target", 6))
                            .put("expected", new JsonArray().add(0).add(1))
                            .put("actual", new JsonArray().add(1).add(0)))
                    .add(
                        new JsonObject()
                            .put("id", "h1")
                            .put("hidden", true)
                            .put("passed", false)
                            .put("input", "SECRET-INPUT"))
                    .add(new JsonObject().put("id", "h2").put("hidden", true).put("passed", true)));
    String note = InterviewerNotes.execution("run", result);
    assertThat(note)
        .contains(
            "ran their code",
            "wrong answer",
            "2 of 3 example tests passed",
            "1 of 2 hidden tests passed",
            "example test 3 with input {\"nums\":[3,3],\"target\":6} returned [1,0] instead of [0,1]");
    assertThat(note).doesNotContain("SECRET-INPUT");
  }

  @Test
  @DisplayName(
      "an error is reported as raised; a run without tests quotes the last line of stderr, bounded")
  void errorsAndNoTests() {
    JsonObject failing =
        new JsonObject()
            .put("verdict", "runtime_error")
            .put(
                "tests",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("hidden", false)
                            .put("passed", false)
                            .put("input", "[]")
                            .put("error", "IndexError: list index out of range")));
    assertThat(InterviewerNotes.execution("submit", failing))
        .contains(
            "submitted",
            "0 of 1 example tests passed",
            "example test 1 with input [] raised IndexError: list index out of range");
    JsonObject compile =
        new JsonObject()
            .put("verdict", "compile_error")
            .put("stderr", "Main.java:3: error: ';' expected\n" + "x".repeat(500))
            .put("tests", new JsonArray());
    String note = InterviewerNotes.execution("run", compile);
    assertThat(note).contains("No test ran", "compile error");
    assertThat(note.length()).isLessThan(400);
  }

  @Test
  @DisplayName("the code note is bounded, says how many lines, and asks not to be read aloud")
  void codeNote() {
    String note = InterviewerNotes.code("python", "def f(a):\n    return a\n");
    assertThat(note).contains("python, 2 lines", "do not read it aloud", "def f(a):");
    String huge = InterviewerNotes.code("java", "x".repeat(50_000));
    assertThat(huge.length()).isLessThan(InterviewerNotes.MAX_CODE_CHARS + 300);
    assertThat(huge).contains("characters not shown");
    assertThat(InterviewerNotes.normalized("a  =\n 1"))
        .isEqualTo(InterviewerNotes.normalized("a = 1"));
  }
}
