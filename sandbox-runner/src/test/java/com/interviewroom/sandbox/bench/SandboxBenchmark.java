package com.interviewroom.sandbox.bench;

import com.interviewroom.testkit.BenchmarkReport;
import com.interviewroom.common.config.Config;
import com.interviewroom.sandbox.SandboxVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run, three figures, written to docs/benchmarks.md under "## Sandbox runner":
 * Python hello-world overhead over bare python3, a Java submission (compile + run + 5 tests), and
 * sustained fully isolated Python executions per second. Everything goes through the real HTTP API.
 * Run with {@code bench/sandbox.sh}.
 */
public final class SandboxBenchmark {
  private static final String PYTHON = "/usr/bin/python3";
  /** Slots per core; -Dbench.slotsPerCore=2 tries more slots than cores (start-up and teardown partly wait). */
  private static final int SLOTS_PER_CORE = Integer.getInteger("bench.slotsPerCore", 1);

  public static void main(String[] args) throws Exception {
    Path docs = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
    int cores = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    SandboxVerticle verticle = new SandboxVerticle(new Config.Sandbox(null, 0, SLOTS_PER_CORE * cores, 64, true));
    vertx.deployVerticle(verticle).await();
    verticle.service().warmUp();
    WebClient client = io.vertx.ext.web.client.WebClientSession.create(WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()), new PoolOptions().setHttp1MaxSize(16)))
        .addHeader("Authorization", "Bearer " + verticle.token());
    try {
      List<Double> bare = barePython(60);
      List<Double> sandboxed = timedRuns(client, hello(), 60, 0);
      // Spaced like a candidate pressing Run: the slot's pre-started sandbox is ready when the request comes.
      List<Double> spaced = timedRuns(client, hello(), 40, 300);
      List<Double> java = timedRuns(client, javaSubmission(), 30, 0);
      double throughput = sustained(client, SLOTS_PER_CORE * cores * 2, 20_000);
      String section = section(cores, bare, sandboxed, spaced, java, throughput, verticle);
      System.out.println(section);
      writeSection(docs, section);
    } finally {
      vertx.close().await();
    }
  }

  private static JsonObject hello() {
    return new JsonObject().put("language", "python").put("code", "print('hello')").put("mode", "run");
  }

  private static List<Double> barePython(int count) throws IOException, InterruptedException {
    Path script = Files.createTempFile("hello", ".py");
    Files.writeString(script, "print('hello')");
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < count + 5; i++) {
      long started = System.nanoTime();
      Process process = new ProcessBuilder(PYTHON, "-I", "-B", script.toString()).start();
      process.getInputStream().readAllBytes();
      process.waitFor();
      if (i >= 5) {
        times.add((System.nanoTime() - started) / 1e6);
      }
    }
    Files.delete(script);
    return times;
  }

  private static List<Double> timedRuns(WebClient client, JsonObject body, int count, long pauseMs) throws InterruptedException {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < count + 3; i++) {
      Thread.sleep(pauseMs);
      long started = System.nanoTime();
      JsonObject result = client.post("/v1/run").sendJsonObject(body).await().bodyAsJsonObject();
      if (!"accepted".equals(result.getString("verdict"))) {
        throw new IllegalStateException("benchmark run not accepted: " + result.encode());
      }
      if (i >= 3) {
        times.add((System.nanoTime() - started) / 1e6);
      }
    }
    return times;
  }

  /** Closed loop: {@code clients} callers each send the next run as soon as the last one answers. */
  private static double sustained(WebClient client, int clients, long millis) throws InterruptedException {
    AtomicInteger done = new AtomicInteger();
    AtomicLong deadline = new AtomicLong(System.nanoTime() + millis * 1_000_000);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      threads.add(Thread.ofVirtual().start(() -> {
        while (System.nanoTime() < deadline.get()) {
          int status = client.post("/v1/run").sendJsonObject(hello()).await().statusCode();
          if (status == 200) {
            done.incrementAndGet();
          }
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return done.get() / (millis / 1000.0);
  }

  private static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1))));
  }

  private static String section(int cores, List<Double> bare, List<Double> sandboxed, List<Double> spaced, List<Double> java,
                                double throughput, SandboxVerticle verticle) {
    double overhead = percentile(sandboxed, 0.5) - percentile(bare, 0.5);
    JsonArray runtimes = new JsonArray(verticle.service().runtimes().all().stream()
        .map(r -> r.language() + " " + r.version()).toList());
    return """
        ## Sandbox runner

        Measured %s by `bench/sandbox.sh` on %d cores (%s), through the real HTTP API with full isolation
        (bubblewrap, fresh cgroup per run, unprivileged per-slot uid, no network). Runtimes: %s.
        Load average when the run ended: %s (other builds shared this machine; on a shared 2-core VM every
        process start waits for a core, which dominates the Python figures).

        | figure | target | measured |
        | --- | --- | --- |
        | Python hello-world overhead over bare `python3` (p50), back-to-back requests | ≤ 10 ms | %.1f ms (sandboxed p50 %.1f ms, p90 %.1f ms; bare p50 %.1f ms) |
        | same, requests 300 ms apart (the pre-started sandbox is ready) | ≤ 10 ms | %.1f ms (sandboxed p50 %.1f ms, p90 %.1f ms) |
        | Java submission, compile + run + verdict on 5 tests (p50) | ≤ 700 ms | %.0f ms (p90 %.0f ms) |
        | Sustained Python executions per second, %d slots, closed loop with twice as many callers | ≥ 80/s | %.1f/s |
        """.formatted(Instant.now().toString(), cores, System.getProperty("os.name") + " " + System.getProperty("os.version"),
        runtimes.encode(), loadAverage(), overhead, percentile(sandboxed, 0.5), percentile(sandboxed, 0.9), percentile(bare, 0.5),
        percentile(spaced, 0.5) - percentile(bare, 0.5), percentile(spaced, 0.5), percentile(spaced, 0.9),
        percentile(java, 0.5), percentile(java, 0.9), SLOTS_PER_CORE * cores, throughput);
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " / " + parts[1] + " / " + parts[2] + " (1 / 5 / 15 min)";
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Replaces only our section (up to the next "## " heading), creating the file if needed. */
  static void writeSection(Path docs, String section) throws IOException {
    BenchmarkReport.write(docs, section);
  }


  private static JsonObject javaSubmission() {
    JsonArray tests = new JsonArray();
    for (int i = 0; i < 5; i++) {
      tests.add(new JsonObject().put("id", "t" + i).put("hidden", i >= 2)
          .put("input", new JsonObject().put("nums", new JsonArray().add(i + 20).add(7).add(11).add(2)).put("target", 9))
          .put("expected", new JsonArray().add(1).add(3)));
    }
    return new JsonObject().put("language", "java").put("mode", "submit")
        .put("code", """
            class Solution {
              public int[] twoSum(int[] nums, int target) {
                Map<Integer, Integer> seen = new HashMap<>();
                for (int i = 0; i < nums.length; i++) {
                  Integer j = seen.get(target - nums[i]);
                  if (j != null) return new int[] {j, i};
                  seen.put(nums[i], i);
                }
                return new int[0];
              }
            }
            """)
        .put("problem", new JsonObject()
            .put("function", new JsonObject().put("name", "twoSum")
                .put("params", new JsonArray().add(new JsonObject().put("name", "nums").put("type", "int[]"))
                    .add(new JsonObject().put("name", "target").put("type", "int")))
                .put("returns", "int[]"))
            .put("compare", "unordered").put("tests", tests));
  }
}
