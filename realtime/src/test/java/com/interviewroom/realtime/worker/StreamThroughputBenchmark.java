package com.interviewroom.realtime.worker;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.testkit.BenchmarkReport;
import com.interviewroom.testkit.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Events consumed and acknowledged per second through one consumer group (target ≥ 10,000/s on 2
 * cores). Not part of the normal test run (the class name does not end in Test); run with {@code
 * bench/agents.sh}. Writes its section of {@code docs/benchmarks.md}; {@code bench/agents.sh} runs
 * it.
 */
class StreamThroughputBenchmark {
  private static final int EVENTS = 100_000;

  @Test
  @DisplayName(
      "one consumer acknowledges stream entries at 10,000 per second or more, at the production batch size")
  void throughput() throws Exception {
    // the production read size first (what the target is about), then a large one for comparison
    List<String> rows = new ArrayList<>();
    double production = measure(WorkerSettings.BATCH, rows);
    measure(500, rows);
    BenchmarkReport.write(
        Path.of(System.getProperty("user.dir")).resolve("../docs/benchmarks.md").normalize(),
        String.format(
            Locale.ROOT,
            """
        ## Agents pipeline: Redis Streams consumer throughput

        Measured %s by `bench/agents.sh` (StreamThroughputBenchmark) on %d cores: %,d entries preloaded into a fresh stream, \
        then one `WorkerVerticle` consumer of one group reads them (`XREADGROUP … BLOCK`) with a no-op handler and \
        acknowledges each (`XACK`), against the Redis of `TEST_REDIS_URL` (or embedded). Load average when the run \
        ended: %s. Target ≥ 10,000 events/s at the production batch size: **%s**.

        | what | volume | time | rate |
        | --- | --- | --- | --- |
        %s
        """,
            Instant.now().truncatedTo(ChronoUnit.SECONDS),
            Runtime.getRuntime().availableProcessors(),
            EVENTS,
            BenchmarkReport.loadAverage(),
            production >= 10_000 ? "met" : "not met",
            String.join("\n", rows)));
    assertThat(production).isGreaterThanOrEqualTo(10_000);
  }

  /** Preloads {@link #EVENTS} entries, consumes them with a no-op handler and records the rate. */
  private static double measure(int batch, List<String> rows) throws Exception {
    Vertx vertx = Vertx.vertx();
    Redis redis =
        Redis.createClient(
            vertx, new RedisOptions().setConnectionString(TestRedis.url()).setMaxPoolSize(8));
    String stream = "bench-events-" + UUID.randomUUID();
    try {
      WorkerSettings settings =
          WorkerSettings.defaults(stream, "bench-group").withConsumer("bench-1").withBatch(batch);
      await(
          redis.send(
              Request.cmd(Command.XGROUP)
                  .arg("CREATE")
                  .arg(stream)
                  .arg(settings.group())
                  .arg("0")
                  .arg("MKSTREAM")));
      // preload in pipelined batches, so the measurement is consumption only
      for (int i = 0; i < EVENTS; i += 1000) {
        List<Request> load = new ArrayList<>();
        for (int j = 0; j < 1000; j++) {
          load.add(
              Request.cmd(Command.XADD)
                  .arg(stream)
                  .arg("*")
                  .arg("type")
                  .arg("code.edited")
                  .arg("sessionId")
                  .arg(UUID.randomUUID().toString())
                  .arg("userId")
                  .arg("")
                  .arg("requestId")
                  .arg("")
                  .arg("data")
                  .arg("{\"code\":\"x = 1\"}"));
        }
        await(redis.batch(load));
      }
      AtomicLong handled = new AtomicLong();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      long start = System.nanoTime();
      String id =
          await(
              vertx.deployVerticle(
                  new WorkerVerticle(
                      settings,
                      TestRedis.url(),
                      redis,
                      (entry, group) -> {
                        handled.incrementAndGet();
                        return Future.succeededFuture();
                      },
                      registry)));
      while (registry.get("interviewroom.events.processed").counter().count() < EVENTS) {
        Thread.sleep(5);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double perSecond = EVENTS / seconds;
      await(vertx.undeploy(id));
      long pending =
          await(redis.send(Request.cmd(Command.XPENDING).arg(stream).arg(settings.group())))
              .get(0)
              .toLong();
      assertThat(pending).isZero();
      assertThat(handled.get()).isEqualTo(EVENTS);
      rows.add(
          String.format(
              Locale.ROOT,
              "| consume + XACK, 1 consumer, COUNT %d%s | %,d events | %.2f s | **%,.0f events/s** |",
              batch,
              batch == WorkerSettings.BATCH ? " (production)" : "",
              EVENTS,
              seconds,
              perSecond));
      return perSecond;
    } finally {
      await(redis.send(Request.cmd(Command.DEL).arg(stream)));
      redis.close();
      await(vertx.close());
    }
  }
}
