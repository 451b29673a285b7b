package com.interviewroom.edge.agents;

import com.interviewroom.edge.sandbox.SandboxClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Measures efficiency instead of guessing it: where the problem defines an input generator, the
 * final solution runs in the sandbox once per generated size (smallest first, each run with its own
 * time limit), and the growth exponent k of time ≈ c·n^k between the two largest sizes is reported
 * next to the claimed complexity. Every request must fit the runner's body limit, so when the
 * declared sizes would not, all of them are scaled down by one factor (the ratios, hence k, stay
 * the same). Never fails: no generator, no runner or a broken run is "not measured".
 */
final class GrowthProbe {
  /**
   * The sandbox runner's request body limit ({@code SandboxRoutes.BODY_LIMIT}; a test keeps the two
   * equal).
   */
  static final int RUNNER_BODY_LIMIT = 256 * 1024;

  /**
   * What a probe request may take: the limit less room for headers the runner might count one day.
   */
  static final int REQUEST_BUDGET = RUNNER_BODY_LIMIT - 1024;

  /** Per size: the runner's own wall limit is 5 s (10 s for Java) plus compile and queueing. */
  static final long RUN_TIMEOUT_MS = 20_000;

  /**
   * The longest a probe can take: every size timing out (the bank declares three; more than five
   * are cut to the largest five).
   */
  static final int MAX_SIZES = 5;

  static final long WORST_CASE_MS = MAX_SIZES * RUN_TIMEOUT_MS;

  /** Below this the timer's noise dominates the ratio. */
  private static final double MIN_MEASURABLE_MS = 1.0;

  private static final Set<String> LIMIT_VERDICTS =
      Set.of("time_limit_exceeded", "memory_limit_exceeded");
  private static final Set<String> FINISHED_VERDICTS = Set.of("accepted", "wrong_answer");

  private final SandboxClient sandbox;

  GrowthProbe(SandboxClient sandbox) {
    this.sandbox = sandbox;
  }

  /**
   * The sizes a probe uses and one {@code POST /v1/run} body per size, each within {@link
   * #REQUEST_BUDGET}.
   */
  record Plan(List<Integer> declared, List<Integer> sizes, List<JsonObject> bodies) {
    boolean scaled() {
      return !declared.equals(sizes);
    }
  }

  /** {@code {measured, points:[{n, durationMs|error}], exponent?, label?, declaredSizes?}}. */
  Future<JsonObject> measure(EvaluationInputs in) {
    JsonObject generator = in.problem().getJsonObject("inputGenerator");
    EvaluationInputs.Snapshot code = in.finalCode();
    if (generator == null || code == null || sandbox == null) {
      return Future.succeededFuture(
          notMeasured(
              generator == null ? "no input generator" : code == null ? "no code" : "no sandbox"));
    }
    if (generator.getJsonArray("sizes", new JsonArray()).isEmpty()) {
      return Future.succeededFuture(notMeasured("the input generator declares no sizes"));
    }
    Plan plan = plan(in.problem(), code.language(), code.code());
    if (plan == null) {
      return Future.succeededFuture(
          notMeasured("the code is too large to send with generated inputs"));
    }
    return runFrom(plan, 0, new JsonArray())
        .map(
            points -> {
              JsonObject out = analyse(points);
              return plan.scaled() ? out.put("declaredSizes", new JsonArray(plan.declared())) : out;
            })
        .otherwise(failure -> notMeasured("sandbox run failed"));
  }

  /**
   * The requests for this problem, language and code (the {@link #MAX_SIZES} largest declared
   * sizes), or null when there are no sizes or not even an empty input fits. Generating is linear
   * in the size, so the factor comes from a small sample and is then checked on the real largest
   * body (shrinking further in the rare case the estimate was short).
   */
  static Plan plan(JsonObject problem, String language, String code) {
    JsonObject generator = problem.getJsonObject("inputGenerator");
    List<Integer> all = new ArrayList<>();
    generator.getJsonArray("sizes", new JsonArray()).forEach(n -> all.add(((Number) n).intValue()));
    all.sort(Integer::compare);
    if (all.isEmpty()) {
      return null;
    }
    List<Integer> declared = all.subList(Math.max(0, all.size() - MAX_SIZES), all.size());
    int largest = declared.get(declared.size() - 1);
    int base = bytes(body(problem, language, code, 0));
    if (base > REQUEST_BUDGET) {
      return null;
    }
    int sample = Math.max(1, Math.min(largest, 1_000));
    double perUnit =
        Math.max(1e-9, (bytes(body(problem, language, code, sample)) - base) / (double) sample);
    double factor = Math.min(1.0, (REQUEST_BUDGET - base) / (perUnit * largest));
    while (factor > 0) {
      List<Integer> sizes = scale(declared, factor);
      JsonObject biggest = body(problem, language, code, sizes.get(sizes.size() - 1));
      if (bytes(biggest) <= REQUEST_BUDGET) {
        List<JsonObject> bodies = new ArrayList<>();
        sizes
            .subList(0, sizes.size() - 1)
            .forEach(n -> bodies.add(body(problem, language, code, n)));
        bodies.add(biggest);
        return new Plan(List.copyOf(declared), sizes, bodies);
      }
      factor *= 0.9;
    }
    return null;
  }

  private static List<Integer> scale(List<Integer> declared, double factor) {
    if (factor >= 1.0) {
      return List.copyOf(declared);
    }
    return declared.stream().map(n -> Math.max(1, (int) Math.floor(n * factor))).toList();
  }

  /**
   * The {@code POST /v1/run} body as {@link SandboxClient#run} sends it, with one test of size n.
   * It is an example, not a hidden test: the runner never reports a hidden test's time (it could
   * carry the input out), and this generated input is no secret.
   */
  private static JsonObject body(JsonObject problem, String language, String code, int n) {
    JsonObject generator = problem.getJsonObject("inputGenerator");
    JsonObject input =
        (generator.getValue("fixed") instanceof JsonObject fixed ? fixed.copy() : new JsonObject())
            .put(generator.getString("param"), generate(generator.getString("kind"), n));
    JsonArray tests =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", "n=" + n)
                    .put("input", input)
                    .put("expected", null)
                    .put("hidden", false));
    JsonObject runProblem =
        new JsonObject()
            .put("function", problem.getJsonObject("function"))
            .put("compare", problem.getString("compare"))
            .put("tests", tests);
    return new JsonObject()
        .put("language", language)
        .put("code", code)
        .put("mode", "submit")
        .put("problem", runProblem);
  }

  private static int bytes(JsonObject body) {
    return body.toBuffer().length();
  }

  /** Sizes in ascending order, one run each; the first size that does not finish ends the probe. */
  private Future<JsonArray> runFrom(Plan plan, int index, JsonArray points) {
    if (index == plan.sizes().size()) {
      return Future.succeededFuture(points);
    }
    JsonObject body = plan.bodies().get(index);
    return sandbox
        .run(
            body.getString("language"),
            body.getString("code"),
            "submit",
            body.getJsonObject("problem"),
            RUN_TIMEOUT_MS)
        .compose(
            run -> {
              JsonObject point = point(plan.sizes().get(index), run);
              points.add(point);
              return point.containsKey("error")
                  ? Future.succeededFuture(points)
                  : runFrom(plan, index + 1, points);
            });
  }

  /**
   * {@code {n, durationMs}} when the run finished (right or wrong answer), else {@code {n, error:
   * verdict}}.
   */
  static JsonObject point(int n, JsonObject run) {
    JsonObject point = new JsonObject().put("n", n);
    String verdict = run.getString("verdict", "internal_error");
    JsonArray tests = run.getJsonArray("tests", new JsonArray());
    if (FINISHED_VERDICTS.contains(verdict)
        && !tests.isEmpty()
        && tests.getJsonObject(0).getValue("durationMs") instanceof Number d) {
      return point.put("durationMs", d.doubleValue());
    }
    return point.put("error", FINISHED_VERDICTS.contains(verdict) ? "no timing" : verdict);
  }

  static JsonObject analyse(JsonArray points) {
    JsonObject out = new JsonObject().put("measured", true).put("points", points);
    List<double[]> timed = new ArrayList<>();
    String error = null;
    for (Object p : points) {
      JsonObject point = (JsonObject) p;
      if (point.getValue("durationMs") instanceof Number d) {
        timed.add(new double[] {point.getInteger("n"), d.doubleValue()});
      } else {
        error = point.getString("error");
      }
    }
    if (error != null) {
      return LIMIT_VERDICTS.contains(error)
          ? out.put("label", "did not finish on the largest inputs")
          : out.put("measured", false)
              .put("reason", "the solution failed on generated input (" + error + ")");
    }
    if (timed.size() < 2) {
      return out.put("measured", false).put("reason", "fewer than two timed sizes");
    }
    double[] a = timed.get(timed.size() - 2);
    double[] b = timed.get(timed.size() - 1);
    if (b[1] < MIN_MEASURABLE_MS) {
      return out.put("exponent", 0.0)
          .put("label", "too fast to measure (sub-millisecond at the largest size)");
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
