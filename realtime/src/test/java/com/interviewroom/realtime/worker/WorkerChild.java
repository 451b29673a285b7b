package com.interviewroom.realtime.worker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * A worker process for {@link WorkerCrashTest}: consumes {@code stream} as {@code consumer} and,
 * for every entry, counts the start in {@code <stream>:started} and then never finishes, like a
 * call to the edge API still in flight. The test kills this JVM while those calls are open.
 */
public final class WorkerChild {
  private WorkerChild() {}

  public static void main(String[] args) {
    String redisUrl = args[0];
    String stream = args[1];
    String group = args[2];
    String consumer = args[3];
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, redisUrl);
    EntryHandler inFlightForever =
        (entry, g) ->
            redis
                .send(Request.cmd(Command.INCR).arg(stream + ":started"))
                .compose(counted -> Promise.<Void>promise().future());
    WorkerSettings settings = WorkerSettings.defaults(stream, group).withConsumer(consumer);
    vertx
        .deployVerticle(
            new WorkerVerticle(
                settings, redisUrl, redis, inFlightForever, new SimpleMeterRegistry()))
        .onSuccess(id -> System.out.println("READY"))
        .onFailure(
            failure -> {
              failure.printStackTrace();
              System.exit(2);
            });
  }
}
