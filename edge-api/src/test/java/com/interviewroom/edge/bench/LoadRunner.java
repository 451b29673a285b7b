package com.interviewroom.edge.bench;

import com.interviewroom.edge.bench.LoadGenerator.Call;
import com.interviewroom.edge.bench.LoadGenerator.Result;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The load generator's own JVM, started by {@link EdgeBenchmark} so the client's threads, heap and
 * GC do not share the server's. Reads the plan (ports, rates, durations, tokens) from the JSON file
 * named by its argument, runs every phase in order and prints each result as one {@code BENCH
 * {json}} line on stdout.
 */
public final class LoadRunner {
  static final String PREFIX = "BENCH ";
  static final String READS = "GET /api/problems/{slug}";
  static final String STARTS = "POST /api/sessions/start";
  static final String READ_PEAK = "GET /api/problems/{slug} peak";
  static final String BARE_PEAK = "bare route peak (query)";
  static final String BARE_CACHED_PEAK = "bare route peak (cached)";

  private LoadRunner() {}

  public static void main(String[] args) throws Exception {
    JsonObject plan = new JsonObject(Files.readString(Path.of(args[0])));
    Vertx vertx = Vertx.vertx();
    int exit = 0;
    try {
      run(vertx, plan);
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    } finally {
      await(vertx.close());
    }
    System.exit(exit);
  }

  private static void run(Vertx vertx, JsonObject plan) throws Exception {
    int readRate = plan.getInteger("readRate");
    int startRate = plan.getInteger("startRate");
    int seconds = plan.getInteger("seconds");
    int warmup = plan.getInteger("warmupSeconds");
    int peakSeconds = plan.getInteger("peakSeconds");
    int concurrency = plan.getInteger("peakConcurrency");
    String slug = plan.getString("slug");
    List<String> readers = strings(plan, "readers");
    List<String> starters = strings(plan, "starters");
    String startBody = new JsonObject().put("problemSlug", slug).put("language", "python").encode();

    LoadGenerator edge = new LoadGenerator(vertx, plan.getInteger("edgePort"), 256);
    LoadGenerator bare = new LoadGenerator(vertx, plan.getInteger("barePort"), 256);
    IntFunction<Call> read =
        rotating(readers, token -> new Call(HttpMethod.GET, "/api/problems/" + slug, token, null));
    IntFunction<Call> start =
        rotating(
            starters, token -> new Call(HttpMethod.POST, "/api/sessions/start", token, startBody));
    IntFunction<Call> bareRead =
        i -> new Call(HttpMethod.GET, "/bare/problems/" + slug, null, null);
    IntFunction<Call> bareCached =
        i -> new Call(HttpMethod.GET, "/bare/cached/problems/" + slug, null, null);

    await(bare.openLoop("warm-up bare", readRate, warmup, bareRead));
    await(bare.openLoop("warm-up bare cached", readRate, warmup, bareCached));
    await(edge.openLoop("warm-up read", readRate, warmup, read));
    report(await(edge.openLoop(READS, readRate, seconds, read)));
    await(edge.openLoop("warm-up start", startRate, warmup, start));
    report(await(edge.openLoop(STARTS, startRate, seconds, start)));
    report(await(bare.closedLoop(BARE_PEAK, concurrency, peakSeconds, bareRead)));
    report(await(bare.closedLoop(BARE_CACHED_PEAK, concurrency, peakSeconds, bareCached)));
    report(await(edge.closedLoop(READ_PEAK, concurrency, peakSeconds, read)));
    await(edge.close());
    await(bare.close());
  }

  /** Each call takes the next token in turn, so the load spreads over every user's rate limit. */
  private static IntFunction<Call> rotating(
      List<String> tokens, java.util.function.Function<String, Call> call) {
    AtomicInteger next = new AtomicInteger();
    return i -> call.apply(tokens.get(Math.floorMod(next.getAndIncrement(), tokens.size())));
  }

  private static List<String> strings(JsonObject plan, String field) {
    return plan.getJsonArray(field).stream().map(String.class::cast).toList();
  }

  private static void report(Result result) {
    System.out.println(PREFIX + result.toJson().encode());
    System.out.flush();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
