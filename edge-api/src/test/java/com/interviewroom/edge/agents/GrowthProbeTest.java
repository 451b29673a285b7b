package com.interviewroom.edge.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.sandbox.http.SandboxRoutes;
import com.interviewroom.schema.Problem;
import com.interviewroom.schema.ProblemBank;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GrowthProbeTest {

  /** The problem as {@link EvaluationInputs} hands it to the probe. */
  private static JsonObject asLoaded(Problem p) {
    return new JsonObject()
        .put("slug", p.slug())
        .put("function", p.function().toJson())
        .put("compare", p.compare())
        .put("inputGenerator", p.inputGenerator().toJson());
  }

  @Test
  @DisplayName(
      "for every bank problem with a generator, every probe request fits the real runner's body limit and keeps the size ratios")
  void everyProbeRequestFitsTheRunner() {
    assertThat(GrowthProbe.RUNNER_BODY_LIMIT).isEqualTo(SandboxRoutes.BODY_LIMIT);
    List<Problem> generated =
        ProblemBank.load().problems().stream().filter(p -> p.inputGenerator() != null).toList();
    assertThat(generated).hasSizeGreaterThan(10);
    // the bank's own solutions, and a long submission (16 KiB of code with non-ASCII comments)
    String longCode = "# ünïcödé comment line\n".repeat(700);
    for (Problem problem : generated) {
      for (Map.Entry<String, String> solution : problem.solutions().entrySet()) {
        for (String code : List.of(solution.getValue(), solution.getValue() + longCode)) {
          GrowthProbe.Plan plan = GrowthProbe.plan(asLoaded(problem), solution.getKey(), code);
          assertThat(plan).as(problem.slug()).isNotNull();
          assertThat(plan.bodies()).hasSameSizeAs(problem.inputGenerator().sizes());
          for (JsonObject body : plan.bodies()) {
            assertThat(body.toBuffer().length())
                .as(problem.slug() + " " + solution.getKey())
                .isLessThanOrEqualTo(SandboxRoutes.BODY_LIMIT);
            // an example: the runner reports no time for hidden tests
            assertThat(
                    body.getJsonObject("problem")
                        .getJsonArray("tests")
                        .getJsonObject(0)
                        .getBoolean("hidden"))
                .isFalse();
          }
          List<Integer> declared = plan.declared();
          List<Integer> sizes = plan.sizes();
          int last = sizes.size() - 1;
          // one factor for all sizes: the ratio between the two largest, which the exponent uses,
          // is unchanged
          assertThat((double) sizes.get(last) / sizes.get(last - 1))
              .as(problem.slug())
              .isCloseTo(
                  (double) declared.get(last) / declared.get(last - 1),
                  org.assertj.core.data.Percentage.withPercentage(1));
          assertThat(sizes.get(last))
              .as(problem.slug() + " keeps a measurable size")
              .isGreaterThanOrEqualTo(declared.get(last) / 5);
        }
      }
    }
  }

  @Test
  @DisplayName("inputs that already fit are sent at their declared sizes")
  void smallSizesUnchanged() {
    JsonObject problem =
        new JsonObject()
            .put("function", new JsonObject().put("name", "f"))
            .put("compare", "exact")
            .put(
                "inputGenerator",
                new JsonObject()
                    .put("param", "nums")
                    .put("kind", "random-int-array")
                    .put("sizes", new JsonArray().add(100).add(1000).add(10000)));
    GrowthProbe.Plan plan = GrowthProbe.plan(problem, "python", "def f(nums): pass");
    assertThat(plan.sizes()).containsExactly(100, 1000, 10000);
    assertThat(plan.scaled()).isFalse();
    assertThat(
            plan.bodies()
                .get(2)
                .getJsonObject("problem")
                .getJsonArray("tests")
                .getJsonObject(0)
                .getJsonObject("input")
                .getJsonArray("nums"))
        .hasSize(10000);
  }

  @Test
  @DisplayName(
      "more than five declared sizes are cut to the largest five, which bounds the probe's time")
  void atMostFiveSizes() {
    JsonObject problem =
        new JsonObject()
            .put("function", new JsonObject().put("name", "f"))
            .put("compare", "exact")
            .put(
                "inputGenerator",
                new JsonObject()
                    .put("param", "n")
                    .put("kind", "int")
                    .put(
                        "sizes", new JsonArray().add(1).add(2).add(3).add(4).add(5).add(6).add(7)));
    assertThat(GrowthProbe.plan(problem, "python", "def f(n): pass").sizes())
        .containsExactly(3, 4, 5, 6, 7);
  }

  private static JsonArray points(double... msBySize) {
    JsonArray points = new JsonArray();
    int n = 1000;
    for (double ms : msBySize) {
      points.add(
          GrowthProbe.point(
              n,
              new JsonObject()
                  .put("verdict", "wrong_answer")
                  .put(
                      "tests",
                      new JsonArray()
                          .add(new JsonObject().put("id", "n=" + n).put("durationMs", ms)))));
      n *= 10;
    }
    return points;
  }

  @Test
  @DisplayName(
      "growth is classified from the two largest sizes: linear, quadratic, cubic, and too fast to measure")
  void classification() {
    assertThat(GrowthProbe.analyse(points(1, 10, 100)).getDouble("exponent")).isEqualTo(1.0);
    assertThat(GrowthProbe.analyse(points(1, 10, 100)).getString("label"))
        .startsWith("about linear");
    assertThat(GrowthProbe.analyse(points(0.1, 10, 1000)).getString("label"))
        .startsWith("about quadratic");
    assertThat(GrowthProbe.analyse(points(0.1, 10, 10000)).getString("label"))
        .isEqualTo("worse than quadratic");
    assertThat(GrowthProbe.analyse(points(0.01, 0.02, 0.05)).getString("label"))
        .startsWith("too fast");
  }

  @Test
  @DisplayName(
      "a size that hits the time limit is 'did not finish'; a crash on generated input is not a measurement")
  void unfinishedRuns() {
    JsonArray timedOut = points(1, 100);
    timedOut.add(
        GrowthProbe.point(
            100_000,
            new JsonObject()
                .put("verdict", "time_limit_exceeded")
                .put(
                    "tests",
                    new JsonArray()
                        .add(new JsonObject().put("id", "n=100000").put("durationMs", 0.0)))));
    JsonObject slow = GrowthProbe.analyse(timedOut);
    assertThat(slow.getBoolean("measured")).isTrue();
    assertThat(slow.getString("label")).isEqualTo("did not finish on the largest inputs");
    assertThat(slow.getJsonArray("points").getJsonObject(2).getString("error"))
        .isEqualTo("time_limit_exceeded");

    JsonArray crashed =
        new JsonArray()
            .add(
                GrowthProbe.point(
                    1000,
                    new JsonObject()
                        .put("verdict", "runtime_error")
                        .put(
                            "tests",
                            new JsonArray()
                                .add(
                                    new JsonObject().put("id", "n=1000").put("durationMs", 0.3)))));
    JsonObject broken = GrowthProbe.analyse(crashed);
    assertThat(broken.getBoolean("measured")).isFalse();
    assertThat(broken.getString("reason")).contains("runtime_error");
  }
}
