package com.interviewroom.common.outage;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shared Redis client with a deadline on every command: a paused or unreachable Redis fails a
 * command with {@link Unavailable} after {@code timeoutMs} instead of holding the request for the
 * whole pause. Dedicated connections ({@link #connect()}: pub/sub, blocking stream reads) are
 * handed out unchanged, since their commands wait on purpose.
 */
public final class TimedRedis implements Redis {
  private final Redis delegate;
  private final long timeoutMs;

  public TimedRedis(Redis delegate, long timeoutMs) {
    this.delegate = delegate;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<RedisConnection> connect() {
    return delegate.connect();
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }

  @Override
  public Future<Response> send(Request command) {
    return deadline(delegate.send(command));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return deadline(delegate.batch(commands));
  }

  private <T> Future<T> deadline(Future<T> call) {
    return call.timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(
            failure ->
                Future.failedFuture(
                    !call.isComplete()
                        ? new Unavailable("redis", "no answer within " + timeoutMs + " ms", null)
                        : Outages.isOutage(failure)
                            ? new Unavailable(
                                "redis", String.valueOf(failure.getMessage()), failure)
                            : failure));
  }
}
