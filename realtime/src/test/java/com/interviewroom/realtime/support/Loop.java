package com.interviewroom.realtime.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs test steps on one event-loop context (as the gateway would) and waits for them from the test
 * thread.
 */
public final class Loop {
  public final Vertx vertx;
  public final Context context;

  public Loop(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
  }

  public <T> T await(Supplier<Future<T>> work) {
    return await(work, Duration.ofSeconds(30));
  }

  public <T> T await(Supplier<Future<T>> work, Duration timeout) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            work.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        done.complete(ar.result());
                      } else {
                        done.completeExceptionally(ar.cause());
                      }
                    });
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    try {
      return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /** The failure of {@code work}, or an AssertionError when it succeeds. */
  public Throwable failure(Supplier<Future<?>> work) {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    context.runOnContext(
        v -> work.get().onComplete(ar -> done.complete(ar.failed() ? ar.cause() : null)));
    try {
      Throwable t = done.get(60, TimeUnit.SECONDS);
      if (t == null) {
        throw new AssertionError("expected a failure");
      }
      return t;
    } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new RuntimeException(e);
    }
  }

  public void run(Runnable step) {
    await(
        () -> {
          step.run();
          return Future.succeededFuture();
        });
  }

  /** A plain wait, for "nothing more happens" checks. */
  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static long millisBetween(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1_000_000;
  }

  public static void eventually(Duration timeout, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
