package com.interviewroom.edge.internal;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The idempotency claim's lease, on a real Redis, with a lease short enough to watch it lapse. */
class IdempotencyTest {
  private static final Duration LEASE = Duration.ofMillis(900);
  private static Vertx vertx;
  private static Redis redis;
  private static WebClient client;
  private static int port;
  private static final AtomicInteger runs = new AtomicInteger();
  private static volatile long workMs;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestRedis.url());
    Idempotency idempotency = new Idempotency(vertx, redis, LEASE);
    Router router = Router.router(vertx);
    router
        .post("/work")
        .handler(
            idempotency.wrap(
                ctx -> {
                  runs.incrementAndGet();
                  return vertx
                      .timer(workMs)
                      .map(v -> new InternalReply(200, new JsonObject().put("done", true)));
                }));
    HttpServer server =
        await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    port = server.actualPort();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "work running longer than the lease keeps its claim: a twin arriving two leases in waits for its reply, the work runs once")
  void slowWorkKeepsItsClaim() throws Exception {
    String key = "slow-" + UUID.randomUUID();
    workMs = LEASE.toMillis() * 4;
    int before = runs.get();
    Future<HttpResponse<Buffer>> first = post(key);
    Thread.sleep(
        LEASE.toMillis() * 2); // two leases in: without renewal the claim would have lapsed
    HttpResponse<Buffer> twin = await(post(key));
    assertThat(await(first).statusCode()).isEqualTo(200);
    assertThat(twin.statusCode()).isEqualTo(200);
    assertThat(twin.bodyAsJsonObject().getBoolean("done")).isTrue();
    assertThat(runs.get() - before).isEqualTo(1);
    // the stored reply keeps its day-long TTL: a renewal never shortens it
    long ttl =
        await(redis.send(Request.cmd(Command.PTTL).arg(Idempotency.redisKey("/work", key))))
            .toLong();
    assertThat(ttl).isGreaterThan(Duration.ofHours(23).toMillis());
    assertThat(await(post(key)).bodyAsJsonObject().getBoolean("done")).isTrue();
    assertThat(runs.get() - before).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "the claim of a node that died mid-work lapses within one lease, and the retried request runs the work")
  void deadHoldersClaimLapses() throws Exception {
    String key = "orphan-" + UUID.randomUUID();
    workMs = 10;
    // what a crashed node leaves: an in-progress marker nobody renews
    await(
        redis.send(
            Request.cmd(Command.SET)
                .arg(Idempotency.redisKey("/work", key))
                .arg(Idempotency.IN_PROGRESS)
                .arg("PX")
                .arg(LEASE.toMillis())));
    int before = runs.get();
    Thread.sleep(LEASE.toMillis() + 300);
    HttpResponse<Buffer> retried = await(post(key));
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(runs.get() - before).isEqualTo(1);
  }

  private static Future<HttpResponse<Buffer>> post(String key) {
    return client
        .post(port, "127.0.0.1", "/work")
        .putHeader(InternalClient.IDEMPOTENCY_KEY, key)
        .send();
  }
}
