package com.interviewroom.realtime.gateway;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.session.signal.SessionSignals;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated Redis connection per gateway, pattern-subscribed to {@code session-control:*} and
 * {@code session-context:*}; messages are dispatched to local connections by session id (not a
 * subscription per socket). A lost connection is re-established with a growing pause. Pub/sub is
 * fire-and-forget, so whatever was published meanwhile is gone: {@code onResubscribed} runs after
 * every re-established subscription, for the gateway to re-check the sessions it holds.
 */
final class SignalSubscriber {
  private static final Logger log = LoggerFactory.getLogger(SignalSubscriber.class);
  private static final String CONTROL = SessionSignals.CONTROL_PREFIX;
  private static final String CONTEXT = SessionSignals.CONTEXT_PREFIX;

  private final Vertx vertx;
  private final Redis redis;
  private final BiConsumer<UUID, JsonObject> onControl;
  private final BiConsumer<UUID, JsonObject> onContext;
  private final Runnable onResubscribed;
  private final Promise<Void> firstReady = Promise.promise();
  private RedisConnection connection;

  /** Redis's id of the subscribed connection (tests cut it with {@code CLIENT KILL ID}). */
  private volatile long clientId = -1;

  private boolean closed;
  private long retryMs = 100;

  SignalSubscriber(
      Vertx vertx,
      Redis redis,
      BiConsumer<UUID, JsonObject> onControl,
      BiConsumer<UUID, JsonObject> onContext,
      Runnable onResubscribed) {
    this.vertx = vertx;
    this.redis = redis;
    this.onControl = onControl;
    this.onContext = onContext;
    this.onResubscribed = onResubscribed;
  }

  /**
   * Completes once the first subscription is in place: before that, a replacement signal could be
   * missed.
   */
  Future<Void> ready() {
    return firstReady.future();
  }

  void start() {
    redis
        .connect()
        .compose(
            conn -> {
              connection = conn;
              conn.handler(this::onMessage);
              conn.exceptionHandler(e -> reconnect(conn));
              conn.endHandler(v -> reconnect(conn));
              // only tests need the id; a managed Redis that refuses CLIENT must not cost the
              // subscription
              return conn.send(Request.cmd(Command.CLIENT).arg("ID"))
                  .onSuccess(id -> clientId = id == null ? -1 : id.toLong())
                  .otherwiseEmpty()
                  .compose(
                      id ->
                          conn.send(
                              Request.cmd(Command.PSUBSCRIBE)
                                  .arg(CONTROL + "*")
                                  .arg(CONTEXT + "*")));
            })
        .onSuccess(
            ok -> {
              retryMs = 100;
              if (!firstReady.tryComplete()) {
                onResubscribed.run();
              }
            })
        .onFailure(
            e -> {
              log.warn("signal subscription failed {}", kv("error", e.getMessage()));
              reconnect(connection);
            });
  }

  private void reconnect(RedisConnection failed) {
    if (closed || failed != connection) {
      return;
    }
    connection = null;
    if (failed != null) {
      failed.close();
    }
    long wait = retryMs;
    retryMs = Math.min(5_000, retryMs * 2);
    vertx.setTimer(
        wait,
        id -> {
          if (!closed) {
            start();
          }
        });
  }

  private void onMessage(Response message) {
    if ((message.type() != ResponseType.PUSH && message.type() != ResponseType.MULTI)
        || message.size() < 4
        || !"pmessage".equals(message.get(0).toString())) {
      return;
    }
    String channel = message.get(2).toString();
    try {
      JsonObject body = new JsonObject(message.get(3).toString());
      if (channel.startsWith(CONTROL)) {
        onControl.accept(UUID.fromString(channel.substring(CONTROL.length())), body);
      } else if (channel.startsWith(CONTEXT)) {
        onContext.accept(UUID.fromString(channel.substring(CONTEXT.length())), body);
      }
    } catch (RuntimeException e) {
      log.warn(
          "malformed session signal ignored {}",
          kv("channelKind", channel.startsWith(CONTROL) ? "control" : "context"));
    }
  }

  long clientId() {
    return clientId;
  }

  Future<Void> close() {
    closed = true;
    RedisConnection conn = connection;
    connection = null;
    return conn == null ? Future.succeededFuture() : conn.close();
  }
}
