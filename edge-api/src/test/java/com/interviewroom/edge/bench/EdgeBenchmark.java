package com.interviewroom.edge.bench;

import static com.interviewroom.edge.EdgeServer.await;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.bench.LoadGenerator.Call;
import com.interviewroom.edge.bench.LoadGenerator.Result;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The edge API benchmark (issue 3): over loopback against the real server ({@link EdgeServer}: the
 * edge verticle on a fresh migrated Postgres database and Redis), open-loop at a constant rate.
 *
 * <ol>
 *   <li>{@code GET /api/problems/{slug}} at 1,000 req/s: throughput, p50, p99;</li>
 *   <li>{@code POST /api/sessions/start} at 200 req/s by users holding credits: throughput, p50, p99;</li>
 *   <li>peak throughput (closed loop) of the read endpoint and of a bare Vert.x route doing the same
 *       single-row query, deployed in the same JVM, and their ratio.</li>
 * </ol>
 * Users are inserted directly (the benchmark measures the edge, not Argon2) and receive their
 * tokens from the server's own issuer; enough users share the load that the per-user rate limits
 * (60/min, 10/min on start) never trigger. Results replace the {@code ## Edge API} section of
 * {@code docs/benchmarks.md}. Run with {@code bench/edge.sh}.
 */
public final class EdgeBenchmark {
  private static final int READ_RATE = intProperty("bench.readRate", 1000);
  private static final int START_RATE = intProperty("bench.startRate", 200);
  private static final int SECONDS = intProperty("bench.seconds", 10);
  private static final int WARMUP_SECONDS = intProperty("bench.warmupSeconds", 3);
  private static final int PEAK_SECONDS = intProperty("bench.peakSeconds", 5);
  private static final int PEAK_CONCURRENCY = intProperty("bench.peakConcurrency", 64);
  /** 60/min each: enough readers for warm-up, the rate phase and two peak phases inside one minute. */
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
      BareProblemVerticle bare = new BareProblemVerticle(server.db.pool());
      await(server.vertx.deployVerticle(bare));
      List<String> readers = users(server, READERS, 0);
      List<String> starters = users(server, STARTERS, 1000);

      // The load generator runs on its own Vert.x instance so its event loops are not the server's.
      Vertx clientVertx = Vertx.vertx();
      try {
        LoadGenerator edge = new LoadGenerator(clientVertx, server.port(), 256);
        LoadGenerator baseline = new LoadGenerator(clientVertx, bare.port(), 256);
        String readPath = "/api/problems/" + SLUG;
        String startBody = new JsonObject().put("problemSlug", SLUG).put("language", "python").encode();
        int[] reader = {0};
        int[] starter = {0};
        java.util.function.IntFunction<Call> read = i -> new Call(HttpMethod.GET, readPath, readers.get(reader[0]++ % readers.size()), null);
        java.util.function.IntFunction<Call> start = i -> new Call(HttpMethod.POST, "/api/sessions/start",
            starters.get(starter[0]++ % starters.size()), startBody);
        java.util.function.IntFunction<Call> bareRead = i -> new Call(HttpMethod.GET, "/bare/problems/" + SLUG, null, null);

        await(baseline.openLoop("warm-up bare", READ_RATE, WARMUP_SECONDS, bareRead));
        await(edge.openLoop("warm-up read", READ_RATE, WARMUP_SECONDS, read));
        Result reads = await(edge.openLoop("GET /api/problems/{slug}", READ_RATE, SECONDS, read));
        print(reads);
        await(edge.openLoop("warm-up start", START_RATE, WARMUP_SECONDS, start));
        Result starts = await(edge.openLoop("POST /api/sessions/start", START_RATE, SECONDS, start));
        print(starts);
        Result barePeak = await(baseline.closedLoop("bare route peak", PEAK_CONCURRENCY, PEAK_SECONDS, bareRead));
        print(barePeak);
        Result readPeak = await(edge.closedLoop("GET /api/problems/{slug} peak", PEAK_CONCURRENCY, PEAK_SECONDS, read));
        print(readPeak);
        write(report, section(reads, starts, readPeak, barePeak));
        System.out.println("wrote " + report.toAbsolutePath());
        await(edge.close());
        await(baseline.close());
      } finally {
        await(clientVertx.close());
      }
    } catch (RuntimeException | IOException e) {
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit);
  }

  /** {@code count} users with a profile and 100 extra credits (an admin_adjustment ledger row each); returns their access tokens. */
  private static List<String> users(EdgeServer server, int count, int offset) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Row> rows = await(server.db.asService(sql -> sql.preparedQuery("""
            INSERT INTO users (email) SELECT 'bench-' || $1 || '-' || g || '@example.com' FROM generate_series($2::int, $3::int) g
            RETURNING id, email""").execute(Tuple.of(run, offset, offset + count - 1))
        .compose(inserted -> sql.preparedQuery("""
                INSERT INTO credit_transactions (user_id, delta, reason, idempotency_key)
                SELECT u.id, 100, 'admin_adjustment', 'bench:' || u.id FROM users u WHERE u.email LIKE 'bench-' || $1 || '-%'""")
            .execute(Tuple.of(run)).map(done -> {
              List<Row> out = new ArrayList<>();
              inserted.forEach(out::add);
              return out;
            }))));
    return rows.stream().map(row -> server.issuer.accessToken(row.getUUID("id"), row.getString("email"))).toList();
  }

  private static void print(Result r) {
    System.out.printf(Locale.ROOT, "%-34s sent %6d ok %6d failed %5d (first status %d)  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n",
        r.name(), r.sent(), r.ok(), r.failed(), r.firstFailureStatus(), r.throughput(), r.p50Ms(), r.p99Ms(), r.maxMs());
  }

  private static String row(Result r, int rate, String target) {
    if (r.ok() == 0) {
      return String.format(Locale.ROOT, "| `%s` | %s | not measurable on this build: every request failed (first status %d) | | | %s |%n",
          r.name(), rate == 0 ? "closed loop" : rate + " req/s", r.firstFailureStatus(), target);
    }
    return String.format(Locale.ROOT, "| `%s` | %s | %.0f req/s (%d ok, %d failed) | %.2f ms | %.2f ms | %s |%n",
        r.name(), rate == 0 ? "closed loop, " + PEAK_CONCURRENCY + " in flight" : rate + " req/s", r.throughput(), r.ok(), r.failed(),
        r.p50Ms(), r.p99Ms(), target);
  }

  static String section(Result reads, Result starts, Result readPeak, Result barePeak) {
    StringBuilder out = new StringBuilder("## Edge API\n\n");
    out.append("Measured ").append(Instant.now().toString(), 0, 16).append("Z by `bench/edge.sh` (")
        .append(EdgeBenchmark.class.getSimpleName()).append("): loopback, one JVM with the edge verticle, ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, Postgres and Redis from `TEST_DATABASE_URL`/`TEST_REDIS_URL` ")
        .append("(or embedded). Open loop at a constant rate, latency from each request's scheduled time; ")
        .append(SECONDS).append(" s per phase after ").append(WARMUP_SECONDS).append(" s of warm-up. ")
        .append("System load average at the end: ").append(loadAverage())
        .append(" (other processes on the machine skew the figures; compare runs at similar load).\n\n");
    out.append("| endpoint | load | throughput | p50 | p99 | target |\n| --- | --- | --- | --- | --- | --- |\n");
    out.append(row(reads, READ_RATE, "p99 ≤ 10 ms"));
    out.append(row(starts, START_RATE, "p99 ≤ 30 ms"));
    out.append(row(readPeak, 0, "peak"));
    out.append(row(barePeak, 0, "baseline: bare Vert.x route, same single-row query"));
    out.append("\n");
    if (readPeak.ok() > 0 && barePeak.ok() > 0) {
      out.append(String.format(Locale.ROOT, "Read endpoint / bare route peak throughput: **%.2f** (%.0f vs %.0f req/s).%n",
          readPeak.throughput() / barePeak.throughput(), readPeak.throughput(), barePeak.throughput()));
    } else {
      out.append(String.format(Locale.ROOT, "Read endpoint / bare route ratio: not measurable on this build (bare route %.0f req/s).%n",
          barePeak.throughput()));
    }
    return out.toString();
  }

  /** Replaces only the {@code ## Edge API} section, keeping every other section of the file. */
  static void write(Path report, String section) throws IOException {
    String existing = Files.exists(report) ? Files.readString(report) : "# Benchmarks\n\n";
    int start = existing.indexOf("## Edge API");
    String updated;
    if (start < 0) {
      updated = existing.stripTrailing() + "\n\n" + section;
    } else {
      int next = existing.indexOf("\n## ", start + 1);
      updated = existing.substring(0, start) + section + (next < 0 ? "" : "\n" + existing.substring(next + 1));
    }
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, updated);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return String.format(Locale.ROOT, "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static int intProperty(String name, int fallback) {
    return Integer.getInteger(name, fallback);
  }
}
