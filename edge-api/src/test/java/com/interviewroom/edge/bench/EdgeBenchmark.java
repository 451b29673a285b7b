package com.interviewroom.edge.bench;

import static com.interviewroom.edge.EdgeServer.await;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.bench.LoadGenerator.Result;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.testkit.BenchmarkReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The edge API benchmark (issue 3): over loopback against the real server ({@link EdgeServer}: the
 * edge verticle on a fresh migrated Postgres database and Redis), open-loop at a constant rate.
 *
 * <ol>
 *   <li>{@code GET /api/problems/{slug}} at 1,000 req/s: throughput, p50, p99;
 *   <li>{@code POST /api/sessions/start} at 200 req/s by users holding credits: throughput, p50,
 *       p99;
 *   <li>peak throughput (closed loop) of the read endpoint and of two bare Vert.x routes in the
 *       server's JVM ({@link BareProblemVerticle}): one running the endpoint's single-row query on
 *       the same catalog pool on every request, one the endpoint's own cached data path; the ratio
 *       against the second is the edge's overhead only.
 * </ol>
 *
 * The load generator runs in a JVM of its own ({@link LoadRunner}), so its threads, heap and GC do
 * not share the server's; it gets its plan (ports, rates, tokens) as a JSON file and answers with
 * one {@code BENCH} line per phase. Each target is reported as met or not met, with the machine's
 * load average before and after, since other processes on a shared machine skew the figures. Users
 * are inserted directly (the benchmark measures the edge, not Argon2) and receive their tokens from
 * the server's own issuer; enough users share the load that the per-user rate limits (60/min,
 * 10/min on start) never trigger. Results replace the {@code ## Edge API} section of {@code
 * docs/benchmarks.md}. Run with {@code bench/edge.sh}.
 */
public final class EdgeBenchmark {
  private static final int READ_RATE = intProperty("bench.readRate", 1000);
  private static final int START_RATE = intProperty("bench.startRate", 200);
  private static final int SECONDS = intProperty("bench.seconds", 10);
  private static final int WARMUP_SECONDS = intProperty("bench.warmupSeconds", 3);
  private static final int PEAK_SECONDS = intProperty("bench.peakSeconds", 5);
  private static final int PEAK_CONCURRENCY = intProperty("bench.peakConcurrency", 64);

  /**
   * 60/min each: enough readers for warm-up, the rate phase and two peak phases inside one minute.
   */
  private static final int READERS = intProperty("bench.readers", 3000);

  /** 10 starts/min each. */
  private static final int STARTERS = Math.max(50, (START_RATE * (SECONDS + WARMUP_SECONDS)) / 8);

  private static final String SLUG = System.getProperty("bench.slug", "two-sum");

  private EdgeBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path report = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
    int exit = 0;
    try (EdgeServer server = EdgeServer.start()) {
      await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
      BareProblemVerticle bare = new BareProblemVerticle(server.db);
      await(server.vertx.deployVerticle(bare));
      JsonObject plan =
          new JsonObject()
              .put("edgePort", server.port())
              .put("barePort", bare.port())
              .put("slug", SLUG)
              .put("readRate", READ_RATE)
              .put("startRate", START_RATE)
              .put("seconds", SECONDS)
              .put("warmupSeconds", WARMUP_SECONDS)
              .put("peakSeconds", PEAK_SECONDS)
              .put("peakConcurrency", PEAK_CONCURRENCY)
              .put("readers", new JsonArray(users(server, READERS, 0)))
              .put("starters", new JsonArray(users(server, STARTERS, 1000)));
      String loadBefore = loadAverage();
      Map<String, Result> results = runLoad(plan);
      String loadAfter = loadAverage();
      String section =
          section(
              results.get(LoadRunner.READS),
              results.get(LoadRunner.STARTS),
              results.get(LoadRunner.READ_PEAK),
              results.get(LoadRunner.BARE_PEAK),
              results.get(LoadRunner.BARE_CACHED_PEAK),
              loadBefore,
              loadAfter);
      System.out.println(section);
      write(report, section);
      System.out.println("wrote " + report.toAbsolutePath());
    } catch (RuntimeException | IOException | InterruptedException e) {
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit);
  }

  /**
   * Runs {@link LoadRunner} in a child JVM from this class path, with only {@code PATH} and {@code
   * HOME} in its environment (it needs nothing else), and collects its results by name.
   */
  private static Map<String, Result> runLoad(JsonObject plan)
      throws IOException, InterruptedException {
    Path planFile = Files.createTempFile("edge-bench-plan", ".json");
    try {
      Files.writeString(planFile, plan.encode());
      ProcessBuilder builder =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-Xmx512m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  LoadRunner.class.getName(),
                  planFile.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      Map<String, String> env = builder.environment();
      String path = env.getOrDefault("PATH", "/usr/bin:/bin");
      String home = env.get("HOME");
      env.clear();
      env.put("PATH", path);
      if (home != null) {
        env.put("HOME", home);
      }
      Process child = builder.start();
      Map<String, Result> results = new LinkedHashMap<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith(LoadRunner.PREFIX)) {
            Result result =
                Result.fromJson(new JsonObject(line.substring(LoadRunner.PREFIX.length())));
            results.put(result.name(), result);
            print(result);
          } else {
            System.out.println("[load] " + line);
          }
        }
      }
      int status = child.waitFor();
      if (status != 0 || results.size() < 5) {
        throw new IllegalStateException(
            "the load generator exited with "
                + status
                + " after "
                + results.size()
                + " of 5 phases");
      }
      return results;
    } finally {
      Files.deleteIfExists(planFile);
    }
  }

  /**
   * {@code count} users with a profile and 100 extra credits (an admin_adjustment ledger row each);
   * returns their access tokens.
   */
  private static List<String> users(EdgeServer server, int count, int offset) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Row> rows =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery(
                            """
            INSERT INTO users (email) SELECT 'bench-' || $1 || '-' || g || '@example.com' FROM generate_series($2::int, $3::int) g
            RETURNING id, email""")
                        .execute(Tuple.of(run, offset, offset + count - 1))
                        .compose(
                            inserted ->
                                sql.preparedQuery(
                                        """
                INSERT INTO credit_transactions (user_id, delta, reason, idempotency_key)
                SELECT u.id, 100, 'admin_adjustment', 'bench:' || u.id FROM users u WHERE u.email LIKE 'bench-' || $1 || '-%'""")
                                    .execute(Tuple.of(run))
                                    .map(
                                        done -> {
                                          List<Row> out = new ArrayList<>();
                                          inserted.forEach(out::add);
                                          return out;
                                        }))));
    return rows.stream()
        .map(row -> server.issuer.accessToken(row.getUUID("id"), row.getString("email")))
        .toList();
  }

  private static void print(Result r) {
    System.out.printf(
        Locale.ROOT,
        "%-34s sent %6d ok %6d failed %5d (first status %d)  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n",
        r.name(),
        r.sent(),
        r.ok(),
        r.failed(),
        r.firstFailureStatus(),
        r.throughput(),
        r.p50Ms(),
        r.p99Ms(),
        r.maxMs());
  }

  private static String row(Result r, int rate, String target) {
    if (r.ok() == 0) {
      return String.format(
          Locale.ROOT,
          "| `%s` | %s | not measurable on this build: every request failed (first status %d) | | | %s |%n",
          r.name(),
          rate == 0 ? "closed loop" : rate + " req/s",
          r.firstFailureStatus(),
          target);
    }
    return String.format(
        Locale.ROOT,
        "| `%s` | %s | %.0f req/s (%d ok, %d failed) | %.2f ms | %.2f ms | %s |%n",
        r.name(),
        rate == 0 ? "closed loop, " + PEAK_CONCURRENCY + " in flight" : rate + " req/s",
        r.throughput(),
        r.ok(),
        r.failed(),
        r.p50Ms(),
        r.p99Ms(),
        target);
  }

  static String section(
      Result reads,
      Result starts,
      Result readPeak,
      Result barePeak,
      Result bareCachedPeak,
      String loadBefore,
      String loadAfter) {
    StringBuilder out = new StringBuilder("## Edge API\n\n");
    out.append("Measured ")
        .append(Instant.now().toString(), 0, 16)
        .append("Z by `bench/edge.sh` (")
        .append(EdgeBenchmark.class.getSimpleName())
        .append("): loopback, the edge verticle in one JVM, the load generator in ")
        .append("another (`LoadRunner`), ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Postgres and Redis from `TEST_DATABASE_URL`/`TEST_REDIS_URL` ")
        .append(
            "(or embedded). Open loop at a constant rate, latency from each request's scheduled time; ")
        .append(SECONDS)
        .append(" s per phase after ")
        .append(WARMUP_SECONDS)
        .append(" s of warm-up.\n\n")
        .append("Load average (1, 5, 15 min) before: ")
        .append(loadBefore)
        .append("; after: ")
        .append(loadAfter)
        .append(
            ". Other processes on the machine skew the figures; compare runs at similar load.\n\n");
    out.append(
        "| endpoint | load | throughput | p50 | p99 | target |\n| --- | --- | --- | --- | --- | --- |\n");
    out.append(row(reads, READ_RATE, "p99 ≤ 10 ms at 1,000 req/s"));
    out.append(row(starts, START_RATE, "p99 ≤ 30 ms at 200 req/s"));
    out.append(row(readPeak, 0, "peak"));
    out.append(row(barePeak, 0, "baseline: bare route, the endpoint's query on every request"));
    out.append(row(bareCachedPeak, 0, "baseline: bare route, the endpoint's cached data path"));
    out.append("\n");
    out.append(verdict("reads: p99 ≤ 10 ms at 1,000 req/s", reads, READ_RATE, 1000, 10))
        .append("\n");
    out.append(verdict("session start: p99 ≤ 30 ms at 200 req/s", starts, START_RATE, 200, 30))
        .append("\n");
    out.append(ratio("read endpoint / bare route with the same query", readPeak, barePeak))
        .append("\n");
    out.append(
            ratio(
                "read endpoint / bare route with the same cached data path (edge overhead only)",
                readPeak,
                bareCachedPeak))
        .append("\n");
    return out.toString();
  }

  /**
   * Met only at the target's rate, with every request answered, the offered rate sustained and p99
   * within the target.
   */
  static String verdict(String target, Result r, int rate, int targetRate, double p99TargetMs) {
    String measured =
        String.format(
            Locale.ROOT,
            "%.0f req/s offered %d, %d failed, p99 %.2f ms",
            r.throughput(),
            rate,
            r.failed(),
            r.p99Ms());
    if (rate != targetRate) {
      return "- "
          + target
          + ": **not measured** (this run offered "
          + rate
          + " req/s; "
          + measured
          + ").";
    }
    boolean met = r.failed() == 0 && r.throughput() >= 0.95 * rate && r.p99Ms() <= p99TargetMs;
    return "- " + target + ": **" + (met ? "met" : "not met") + "** (" + measured + ").";
  }

  static String ratio(String what, Result edge, Result baseline) {
    if (edge.ok() == 0 || baseline.ok() == 0) {
      return "- " + what + ": not measurable in this run.";
    }
    return String.format(
        Locale.ROOT,
        "- %s: **%.2f** (%.0f vs %.0f req/s).",
        what,
        edge.throughput() / baseline.throughput(),
        edge.throughput(),
        baseline.throughput());
  }

  /** Replaces only the {@code ## Edge API} section, keeping every other section of the file. */
  static void write(Path report, String section) throws IOException {
    BenchmarkReport.write(report, section);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT,
          "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static int intProperty(String name, int fallback) {
    return Integer.getInteger(name, fallback);
  }
}
