package com.interviewroom.schema;

import com.interviewroom.common.wire.Languages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One problem of the bank, as written in {@code problems/<slug>.json} (see docs/problem-format.md).
 * {@code solutions} and the non-example tests are server-side only: never send them to a client.
 */
public record Problem(
    String slug,
    String title,
    String difficulty,
    String category,
    int durationMinutes,
    String description,
    List<String> constraints,
    FunctionSignature function,
    String compare,
    Map<String, String> starterCode,
    Map<String, String> solutions,
    List<TestCase> tests,
    InputGenerator inputGenerator) {

  public static final List<String> LANGUAGES = Languages.SUPPORTED;
  public static final List<String> DIFFICULTIES = List.of("easy", "medium", "hard");
  public static final List<String> COMPARE_MODES =
      List.of("exact", "unordered", "unordered-nested", "float");

  public Problem {
    constraints = List.copyOf(constraints);
    starterCode = Map.copyOf(starterCode);
    solutions = Map.copyOf(solutions);
    tests = List.copyOf(tests);
  }

  /** The examples the candidate sees (and {@code mode: run} executes). */
  public List<TestCase> exampleTests() {
    return tests.stream().filter(TestCase::example).toList();
  }

  /** The function the harness calls: {@code twoSum(nums: int[], target: int) -> int[]}. */
  public record FunctionSignature(String name, List<Param> params, String returns) {
    public FunctionSignature {
      params = List.copyOf(params);
    }

    public JsonObject toJson() {
      JsonArray ps = new JsonArray();
      params.forEach(p -> ps.add(new JsonObject().put("name", p.name()).put("type", p.type())));
      return new JsonObject().put("name", name).put("params", ps).put("returns", returns);
    }
  }

  public record Param(String name, String type) {}

  /**
   * One test: {@code input} maps each parameter name to its JSON value; {@code expected} is any
   * JSON value (JsonArray, JsonObject, String, Number, Boolean or null).
   */
  public record TestCase(JsonObject input, Object expected, boolean example) {}

  /**
   * How the evaluator builds growing inputs to time a solution; {@code fixed} gives the other
   * parameters.
   */
  public record InputGenerator(String param, String kind, List<Integer> sizes, JsonObject fixed) {
    public InputGenerator {
      sizes = List.copyOf(sizes);
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("param", param)
          .put("kind", kind)
          .put("sizes", new JsonArray(List.copyOf(sizes)))
          .put("fixed", fixed);
    }
  }
}
