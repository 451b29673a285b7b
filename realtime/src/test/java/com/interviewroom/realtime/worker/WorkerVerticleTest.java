package com.interviewroom.realtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.testkit.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WorkerVerticleTest {
  private static Vertx vertx;
  private static Redis redis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestRedis.url()));
  }

  @AfterAll
  static void stop() {
    redis.close();
    await(vertx.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** A stream of its own, so parallel tests on the shared Redis never meet. */
  private static WorkerSettings settings(String group) {
    return WorkerSettings.defaults("test-events-" + UUID.randomUUID(), group).withClaims(200, 100);
  }

  private static String publish(String stream, String type, String session) {
    return await(redis.send(Request.cmd(Command.XADD).arg(stream).arg("*").arg("type").arg(type)
        .arg("sessionId").arg(session).arg("userId").arg("").arg("requestId").arg("r1").arg("data").arg("{\"n\":1}"))).toString();
  }

  private static long pending(WorkerSettings s) {
    Response summary = await(redis.send(Request.cmd(Command.XPENDING).arg(s.stream()).arg(s.group())));
    return summary.get(0).toLong();
  }

  private static List<Map<String, String>> deadLetters(WorkerSettings s) {
    Response entries = await(redis.send(Request.cmd(Command.XRANGE).arg(s.deadLetters()).arg("-").arg("+")));
    return entries.stream().map(StreamEntry::parse).map(StreamEntry::fields).toList();
  }

  private static String deploy(WorkerSettings s, EntryHandler handler, SimpleMeterRegistry registry) {
    return await(vertx.deployVerticle(new WorkerVerticle(s, TestRedis.url(), redis, handler, registry)));
  }

  @Test
  @DisplayName("an entry that always fails is retried, then moved to the dead-letter stream after 5 deliveries with its error")
  void deadLetterAfterFiveFailures() throws Exception {
    WorkerSettings s = settings("dlq-group");
    AtomicInteger calls = new AtomicInteger();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String id = deploy(s, (entry, group) -> {
      calls.incrementAndGet();
      return Future.failedFuture(new IllegalStateException("internal API answered 503"));
    }, registry);
    String entryId = publish(s.stream(), "session.ended", "s-1");

    eventually(() -> !deadLetters(s).isEmpty());
    Map<String, String> dead = deadLetters(s).get(0);
    assertThat(dead).containsEntry("sourceId", entryId).containsEntry("error", "internal API answered 503")
        .containsEntry("deliveries", "5").containsEntry("type", "session.ended").containsEntry("data", "{\"n\":1}");
    assertThat(calls.get()).isEqualTo(5);
    assertThat(pending(s)).isZero();
    assertThat(registry.get("interviewroom.events.dlq").counter().count()).isEqualTo(1.0);
    await(vertx.undeploy(id));
  }

  @Test
  @DisplayName("an entry that fails twice then succeeds is acknowledged once and never dead-lettered")
  void retryThenSuccess() throws Exception {
    WorkerSettings s = settings("retry-group");
    AtomicInteger calls = new AtomicInteger();
    String id = deploy(s, (entry, group) -> calls.incrementAndGet() <= 2
        ? Future.failedFuture(new IllegalStateException("transient")) : Future.succeededFuture(), new SimpleMeterRegistry());
    publish(s.stream(), "code.edited", "s-2");

    eventually(() -> calls.get() == 3 && pending(s) == 0);
    Thread.sleep(500);
    assertThat(calls.get()).isEqualTo(3);
    assertThat(deadLetters(s)).isEmpty();
    await(vertx.undeploy(id));
  }

  @Test
  @DisplayName("an entry is acknowledged only after its handler's effect completes")
  void ackAfterEffect() throws Exception {
    WorkerSettings s = WorkerSettings.defaults("test-events-" + UUID.randomUUID(), "ack-group");
    Promise<Void> effect = Promise.promise();
    AtomicInteger calls = new AtomicInteger();
    String id = deploy(s, (entry, group) -> {
      calls.incrementAndGet();
      return effect.future();
    }, new SimpleMeterRegistry());
    publish(s.stream(), "code.edited", "s-3");

    eventually(() -> calls.get() == 1);
    assertThat(pending(s)).isEqualTo(1);
    vertx.runOnContext(v -> effect.complete());
    eventually(() -> pending(s) == 0);
    await(vertx.undeploy(id));
  }

  @Test
  @DisplayName("entries left pending by an undeployed worker are claimed and finished by another, each exactly once")
  void killedWorkerEntriesAreClaimed() throws Exception {
    WorkerSettings first = WorkerSettings.defaults("test-events-" + UUID.randomUUID(), "claim-group").withConsumer("first");
    AtomicInteger firstCalls = new AtomicInteger();
    // the first consumer's calls never reach their effect before it dies
    String dying = deploy(first, (entry, group) -> {
      firstCalls.incrementAndGet();
      return Future.failedFuture(new IllegalStateException("connection refused"));
    }, new SimpleMeterRegistry());
    for (int i = 0; i < 10; i++) {
      publish(first.stream(), "session.ended", "s-" + i);
    }
    eventually(() -> firstCalls.get() == 10);
    await(vertx.undeploy(dying));
    assertThat(pending(first)).isEqualTo(10);

    Set<String> done = ConcurrentHashMap.newKeySet();
    List<String> effects = new CopyOnWriteArrayList<>();
    WorkerSettings second = first.withConsumer("second").withClaims(300, 100);
    String survivor = deploy(second, (entry, group) -> {
      if (done.add(entry.id())) {
        effects.add(entry.id());
      }
      return Future.succeededFuture();
    }, new SimpleMeterRegistry());

    eventually(() -> pending(second) == 0);
    assertThat(effects).hasSize(10).doesNotHaveDuplicates();
    await(vertx.undeploy(survivor));
  }

  @Test
  @DisplayName("a consumer group deleted under a running worker is recreated and consumption continues")
  void noGroupRecreates() throws Exception {
    WorkerSettings s = WorkerSettings.defaults("test-events-" + UUID.randomUUID(), "nogroup-group");
    AtomicInteger calls = new AtomicInteger();
    String id = deploy(s, (entry, group) -> {
      calls.incrementAndGet();
      return Future.succeededFuture();
    }, new SimpleMeterRegistry());
    publish(s.stream(), "code.edited", "a");
    eventually(() -> calls.get() == 1);

    await(redis.send(Request.cmd(Command.XGROUP).arg("DESTROY").arg(s.stream()).arg(s.group())));
    // the blocked read fails with NOGROUP once its BLOCK ends or the next read starts; then the group is recreated at "$"
    eventually(() -> {
      Response groups = await(redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(s.stream())));
      return groups.size() == 1;
    });
    publish(s.stream(), "code.edited", "b");
    eventually(() -> calls.get() == 2);
    await(vertx.undeploy(id));
  }
}
