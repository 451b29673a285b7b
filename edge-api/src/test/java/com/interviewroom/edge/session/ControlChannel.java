package com.interviewroom.edge.session;

import static com.interviewroom.edge.EdgeServer.await;

import com.interviewroom.session.signal.SessionSignals;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Listens on a session's control channel the way a gateway node on another machine would. */
public final class ControlChannel implements AutoCloseable {
  private final Redis client;
  private final RedisConnection connection;
  public final List<JsonObject> messages = new CopyOnWriteArrayList<>();

  public ControlChannel(Vertx vertx, UUID sessionId) {
    client = Redis.createClient(vertx, TestRedis.url());
    connection = await(client.connect());
    connection.handler(this::onPush);
    await(connection.send(Request.cmd(Command.SUBSCRIBE).arg(SessionSignals.control(sessionId))));
  }

  private void onPush(Response push) {
    if (push.size() == 3 && "message".equals(push.get(0).toString())) {
      messages.add(new JsonObject(push.get(2).toString()));
    }
  }

  /** Waits up to 5 s for at least {@code count} messages. */
  public List<JsonObject> waitFor(int count) throws InterruptedException {
    long until = System.currentTimeMillis() + 5_000;
    while (messages.size() < count && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    connection.close();
    client.close();
  }
}
