package com.interviewroom.testkit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits on a Vert.x {@link Future} from the test thread, as a plain blocking call. */
public final class Await {
  /**
   * How long a future may take: the longest of the waits tests used to copy (a benchmark's 100,000
   * stream entries), so that no test gives up sooner than it did, however busy the machine.
   */
  public static final Duration WITHIN = Duration.ofSeconds(120);

  private Await() {}

  /**
   * The result of {@code future}; its failure or a timeout as an {@link IllegalStateException}
   * whose root cause is the future's own failure (tests assert on {@code rootCause()}).
   */
  public static <T> T await(Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }
}
