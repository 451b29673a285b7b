package com.interviewroom.edge.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Open-loop load at a constant rate: request {@code i} is due at {@code start + i / rate} whatever
 * happened to earlier ones, and its latency is measured from that due time, so a slow server cannot
 * hide its queueing (no coordinated omission). A closed-loop mode measures peak throughput.
 */
final class LoadGenerator {
  /** What one request is: method, path, bearer token (or null), JSON body (or null). */
  record Call(HttpMethod method, String path, String token, String body) {}

  record Result(
      String name,
      int sent,
      int ok,
      int failed,
      int firstFailureStatus,
      double seconds,
      double throughput,
      double p50Ms,
      double p99Ms,
      double maxMs) {

    /** The line format between the load JVM and the benchmark. */
    JsonObject toJson() {
      return new JsonObject()
          .put("name", name)
          .put("sent", sent)
          .put("ok", ok)
          .put("failed", failed)
          .put("firstFailureStatus", firstFailureStatus)
          .put("seconds", seconds)
          .put("throughput", throughput)
          .put("p50Ms", p50Ms)
          .put("p99Ms", p99Ms)
          .put("maxMs", maxMs);
    }

    static Result fromJson(JsonObject json) {
      return new Result(
          json.getString("name"),
          json.getInteger("sent"),
          json.getInteger("ok"),
          json.getInteger("failed"),
          json.getInteger("firstFailureStatus"),
          json.getDouble("seconds"),
          json.getDouble("throughput"),
          json.getDouble("p50Ms"),
          json.getDouble("p99Ms"),
          json.getDouble("maxMs"));
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final int port;

  LoadGenerator(Vertx vertx, int port, int connections) {
    this.vertx = vertx;
    this.port = port;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  /**
   * {@code rate} requests per second for {@code seconds}; {@code calls.apply(i)} builds request i.
   */
  Future<Result> openLoop(String name, int rate, int seconds, IntFunction<Call> calls) {
    int total = rate * seconds;
    long[] latencies = new long[total];
    int[] statuses = new int[total];
    AtomicInteger done = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    Promise<Result> finished = Promise.promise();
    long start = System.nanoTime();
    double intervalNanos = 1e9 / rate;
    long[] lastDone = {start};
    vertx.setPeriodic(
        1,
        timer -> {
          long now = System.nanoTime();
          int due = (int) Math.min(total, (now - start) / intervalNanos + 1);
          while (sent.get() < due) {
            int i = sent.getAndIncrement();
            long intended = start + (long) (i * intervalNanos);
            send(calls.apply(i))
                .onComplete(
                    ar -> {
                      long end = System.nanoTime();
                      latencies[i] = end - intended;
                      statuses[i] = ar.succeeded() ? ar.result() : -1;
                      lastDone[0] = Math.max(lastDone[0], end);
                      if (done.incrementAndGet() == total) {
                        finished.complete(
                            summarize(name, latencies, statuses, (lastDone[0] - start) / 1e9));
                      }
                    });
          }
          if (sent.get() >= total) {
            vertx.cancelTimer(timer);
          }
        });
    return finished.future();
  }

  /**
   * {@code concurrency} requests always in flight for {@code seconds}: the most the server
   * sustains.
   */
  Future<Result> closedLoop(String name, int concurrency, int seconds, IntFunction<Call> calls) {
    long start = System.nanoTime();
    long stopAt = start + seconds * 1_000_000_000L;
    int capacity = 2_000_000;
    long[] latencies = new long[capacity];
    int[] statuses = new int[capacity];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(concurrency);
    Promise<Result> finished = Promise.promise();
    Runnable[] worker = new Runnable[1];
    worker[0] =
        () -> {
          int i = next.getAndIncrement();
          if (System.nanoTime() >= stopAt || i >= capacity) {
            if (running.decrementAndGet() == 0) {
              int n = Math.min(next.get(), capacity);
              int completed = (int) Arrays.stream(statuses, 0, n).filter(s -> s != 0).count();
              finished.complete(
                  summarize(
                      name,
                      Arrays.copyOf(latencies, completed),
                      Arrays.copyOf(statuses, completed),
                      (System.nanoTime() - start) / 1e9));
            }
            return;
          }
          long began = System.nanoTime();
          send(calls.apply(i))
              .onComplete(
                  ar -> {
                    latencies[i] = System.nanoTime() - began;
                    statuses[i] = ar.succeeded() ? ar.result() : -1;
                    worker[0].run();
                  });
        };
    for (int c = 0; c < concurrency; c++) {
      vertx.runOnContext(v -> worker[0].run());
    }
    return finished.future();
  }

  private Future<Integer> send(Call call) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(call.method())
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(call.path())
            .setTimeout(30_000);
    if (call.token() != null) {
      options.putHeader("Authorization", "Bearer " + call.token());
    }
    if (call.body() != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client
        .request(options)
        .compose(
            request ->
                call.body() == null ? request.send() : request.send(Buffer.buffer(call.body())))
        .compose(response -> response.body().map(body -> response.statusCode()));
  }

  private static Result summarize(String name, long[] latencies, int[] statuses, double seconds) {
    int ok = 0;
    int firstFailure = 0;
    for (int status : statuses) {
      if (status >= 200 && status < 300) {
        ok++;
      } else if (firstFailure == 0) {
        firstFailure = status;
      }
    }
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Result(
        name,
        statuses.length,
        ok,
        statuses.length - ok,
        firstFailure,
        seconds,
        ok / seconds,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  Future<Void> close() {
    return client.close();
  }
}
