package com.interviewroom.edge.auth;

import com.interviewroom.common.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Argon2 runs: a worker pool of its own with {@code slots} threads (each hash holds 19 MiB
 * while it runs, so memory stays at most slots × 19 MiB) and room for {@code queue} more waiting.
 * Past that a sign-up or login is refused at once with {@code 503 busy} and {@code Retry-After},
 * instead of piling up memory and delaying every other request's worker.
 */
final class PasswordHashPool {
  static final int RETRY_AFTER_SECONDS = 1;

  /** One pool per Vert.x instance: every edge verticle instance of a process shares the bound. */
  private static final Map<Vertx, PasswordHashPool> POOLS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final WorkerExecutor executor;
  private final int capacity;
  private final AtomicInteger admitted = new AtomicInteger();

  static PasswordHashPool of(Vertx vertx, int slots, int queue) {
    return POOLS.computeIfAbsent(vertx, v -> new PasswordHashPool(v, slots, queue));
  }

  private PasswordHashPool(Vertx vertx, int slots, int queue) {
    this.executor = vertx.createSharedWorkerExecutor("password-hash", slots);
    this.capacity = slots + queue;
  }

  <T> Future<T> run(Callable<T> work) {
    if (admitted.incrementAndGet() > capacity) {
      admitted.decrementAndGet();
      return Future.failedFuture(
          Problems.unavailable(
              "busy",
              "Too many sign-ins are being checked right now. Try again in a moment.",
              RETRY_AFTER_SECONDS));
    }
    return executor.executeBlocking(work, false).andThen(done -> admitted.decrementAndGet());
  }
}
