package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The stream the gateway publishes to is capped ({@code XADD MAXLEN ~ 10000}). Filling it past the
 * cap would evict other tests' entries from the shared {@code events}, so this test fills the
 * stream of a logical database nobody's stream lives in, and deletes it afterwards.
 */
@DisplayName("The events stream")
class EventsCapTest {
  private final Vertx vertx = Vertx.vertx();
  private Redis redis;

  @AfterEach
  void stop() {
    if (redis != null) {
      Fixture.await(redis.send(Request.cmd(Command.DEL).arg(EventStream.STREAM)));
    }
    Fixture.await(vertx.close());
  }

  @Test
  @DisplayName("stays near 10,000 entries however many are published (MAXLEN ~)")
  void capped() {
    redis = emptyStreamDatabase();
    long nodeSize =
        Long.parseLong(
            Fixture.await(
                    redis.send(
                        Request.cmd(Command.CONFIG).arg("GET").arg("stream-node-max-entries")))
                .get("stream-node-max-entries")
                .toString());
    EventStream events = new EventStream(redis);
    int cap = Integer.parseInt(EventStream.MAX_LEN);
    UUID session = UUID.randomUUID();
    for (int batch = 0; batch < (cap + 2_000) / 500; batch++) {
      List<Future<String>> sent = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        sent.add(
            events.publish(
                EventStream.CODE_EDITED, session, session, "req", new JsonObject().put("i", i)));
      }
      Fixture.await(Future.all(sent));
    }
    long length =
        Fixture.await(redis.send(Request.cmd(Command.XLEN).arg(EventStream.STREAM))).toLong();
    assertTrue(
        length >= cap && length <= cap + nodeSize, "trimmed to about " + cap + ": " + length);
  }

  /**
   * A client on a logical database (1..15) whose {@code events} stream is empty; when every one
   * holds a stream (the launcher's tests leave theirs in a random database, and the machine's Redis
   * outlives test runs), database 15 with its stream deleted first: only a stream this test filled
   * is measured.
   */
  private Redis emptyStreamDatabase() {
    String base = TestRedis.url().replaceAll("/\\d*$", "");
    if (URI.create(base).getPath() != null && !URI.create(base).getPath().isEmpty()) {
      throw new IllegalStateException("TEST_REDIS_URL names a database already: " + base);
    }
    for (int db = 15; db >= 1; db--) {
      Redis candidate = client(base, db);
      if (Fixture.await(candidate.send(Request.cmd(Command.EXISTS).arg(EventStream.STREAM)))
              .toLong()
          == 0) {
        return candidate;
      }
      candidate.close();
    }
    Redis fallback = client(base, 15);
    Fixture.await(fallback.send(Request.cmd(Command.DEL).arg(EventStream.STREAM)));
    return fallback;
  }

  private Redis client(String base, int db) {
    return Redis.createClient(
        vertx,
        new RedisOptions()
            .setConnectionString(base + "/" + db)
            .setMaxPoolSize(8)
            .setMaxPoolWaiting(1_000));
  }
}
