package com.interviewroom.edge.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the replay shows of a stored run: its verdict and each test's id and outcome. Never a test's
 * input, expected value or output (hidden tests stay hidden), never the program's output.
 */
final class TestRun {
  private TestRun() {}

  static JsonObject of(JsonObject executionResult) {
    JsonArray tests = new JsonArray();
    int passed = 0;
    JsonArray stored = executionResult.getJsonArray("tests", new JsonArray());
    for (Object entry : stored) {
      if (entry instanceof JsonObject test) {
        boolean ok = Boolean.TRUE.equals(test.getValue("passed"));
        passed += ok ? 1 : 0;
        tests.add(
            new JsonObject()
                .put("id", String.valueOf(test.getValue("id")))
                .put("hidden", Boolean.TRUE.equals(test.getValue("hidden")))
                .put("passed", ok));
      }
    }
    Object verdict = executionResult.getValue("verdict");
    return new JsonObject()
        .put("verdict", verdict instanceof String v ? v : null)
        .put("passed", passed)
        .put("total", tests.size())
        .put("tests", tests)
        // the evaluator's own run of the final code, after the session ended (FinalCodeGrader)
        .put("gradedAtEnd", Boolean.TRUE.equals(executionResult.getValue("gradedAtSessionEnd")));
  }
}
