package com.interviewroom.edge.agents;

import com.interviewroom.edge.sandbox.SandboxClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Measures efficiency instead of guessing it: where the problem defines an input generator, the
 * final solution runs in the sandbox on inputs of each generated size, and the growth exponent k of
 * time ≈ c·n^k between the two largest sizes is reported next to the claimed complexity. Never fails:
 * no generator, no runner or a broken run is "not measured".
 */
final class GrowthProbe {
  private static final long RUN_TIMEOUT_MS = 60_000;
  /** Below this the timer's noise dominates the ratio. */
  private static final double MIN_MEASURABLE_MS = 1.0;

  private final SandboxClient sandbox;

  GrowthProbe(SandboxClient sandbox) {
    this.sandbox = sandbox;
  }

  /** {@code {measured, points:[{n, durationMs|error}], exponent?, label?}}. */
  Future<JsonObject> measure(EvaluationInputs in) {
    JsonObject generator = in.problem().getJsonObject("inputGenerator");
    EvaluationInputs.Snapshot code = in.finalCode();
    if (generator == null || code == null || sandbox == null) {
      return Future.succeededFuture(notMeasured(generator == null ? "no input generator" : code == null ? "no code" : "no sandbox"));
    }
    JsonArray tests = new JsonArray();
    for (Object size : generator.getJsonArray("sizes", new JsonArray())) {
      int n = ((Number) size).intValue();
      JsonObject input = generator.getJsonObject("fixed", new JsonObject()).copy()
          .put(generator.getString("param"), generate(generator.getString("kind"), n));
      tests.add(new JsonObject().put("id", "n=" + n).put("input", input).put("expected", null).put("hidden", true));
    }
    JsonObject problem = new JsonObject().put("function", in.problem().getJsonObject("function"))
        .put("compare", in.problem().getString("compare")).put("tests", tests);
    return sandbox.run(code.language(), code.code(), "submit", problem, RUN_TIMEOUT_MS)
        .map(GrowthProbe::analyse)
        .otherwise(failure -> notMeasured("sandbox run failed"));
  }

  static JsonObject analyse(JsonObject run) {
    JsonArray points = new JsonArray();
    List<double[]> timed = new ArrayList<>();
    for (Object t : run.getJsonArray("tests", new JsonArray())) {
      JsonObject test = (JsonObject) t;
      int n = Integer.parseInt(test.getString("id", "n=0").substring(2));
      JsonObject point = new JsonObject().put("n", n);
      if (test.getString("error") != null && test.getValue("durationMs") == null) {
        point.put("error", test.getString("error"));
      } else if (test.getValue("durationMs") instanceof Number d) {
        point.put("durationMs", d.doubleValue());
        timed.add(new double[] {n, d.doubleValue()});
      }
      points.add(point);
    }
    JsonObject out = new JsonObject().put("measured", true).put("points", points);
    if (timed.size() < points.size()) {
      return out.put("label", "did not finish on the largest inputs");
    }
    if (timed.size() < 2) {
      return out.put("measured", false).put("reason", "fewer than two timed sizes");
    }
    double[] a = timed.get(timed.size() - 2);
    double[] b = timed.get(timed.size() - 1);
    if (b[1] < MIN_MEASURABLE_MS) {
      return out.put("exponent", 0.0).put("label", "too fast to measure (sub-millisecond at the largest size)");
    }
    double k = Math.log(b[1] / Math.max(a[1], 0.001)) / Math.log(b[0] / a[0]);
    k = Math.round(k * 100) / 100.0;
    return out.put("exponent", k).put("label", label(k));
  }

  static String label(double k) {
    if (k < 0.5) {
      return "sub-linear (about O(1) or O(log n))";
    }
    if (k < 1.4) {
      return "about linear (O(n) or O(n log n))";
    }
    if (k < 2.4) {
      return "about quadratic (O(n^2))";
    }
    return "worse than quadratic";
  }

  private static JsonObject notMeasured(String reason) {
    return new JsonObject().put("measured", false).put("reason", reason);
  }

  /** Deterministic (seeded by n), so two evaluations of one solution time the same inputs. */
  static Object generate(String kind, int n) {
    Random random = new Random(n);
    return switch (kind) {
      case "int" -> n;
      case "random-string" -> {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
          s.append((char) ('a' + random.nextInt(26)));
        }
        yield s.toString();
      }
      case "sorted-int-array" -> {
        JsonArray out = new JsonArray();
        int value = -n;
        for (int i = 0; i < n; i++) {
          value += random.nextInt(3);
          out.add(value);
        }
        yield out;
      }
      default -> {
        JsonArray out = new JsonArray();
        for (int i = 0; i < n; i++) {
          out.add(random.nextInt(2_000_001) - 1_000_000);
        }
        yield out;
      }
    };
  }
}
