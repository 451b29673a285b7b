package com.interviewroom.realtime.worker;

import static com.interviewroom.testkit.Await.await;
import static com.interviewroom.testkit.Eventually.eventually;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** A stream of its own, so parallel tests on the shared Redis never meet. */
  private static WorkerSettings settings(String group) {
    return WorkerSettings.defaults("test-events-" + UUID.randomUUID(), group).withClaims(200, 100);
  }

  private static String publish(String stream, String type, String session) {
    return await(
            redis.send(
                Request.cmd(Command.XADD)
                    .arg(stream)
                    .arg("*")
                    .arg("type")
                    .arg(type)
                    .arg("sessionId")
                    .arg(session)
                    .arg("userId")
                    .arg("")
                    .arg("requestId")
                    .arg("r1")
                    .arg("data")
                    .arg("{\"n\":1}")))
        .toString();
  }

  private static long pending(WorkerSettings s) {
    Response summary =
        await(redis.send(Request.cmd(Command.XPENDING).arg(s.stream()).arg(s.group())));
    return summary.get(0).toLong();
  }

  private static List<Map<String, String>> deadLetters(WorkerSettings s) {
    Response entries =
        await(redis.send(Request.cmd(Command.XRANGE).arg(s.deadLetters()).arg("-").arg("+")));
    return entries.stream().map(StreamEntry::parse).map(StreamEntry::fields).toList();
  }

  private static String deploy(
      WorkerSettings s, EntryHandler handler, SimpleMeterRegistry registry) {
    return await(
        vertx.deployVerticle(new WorkerVerticle(s, TestRedis.url(), redis, handler, registry)));
  }

  @Test
  @DisplayName(
      "an entry that always fails is retried, then moved to the dead-letter stream after 5 deliveries with its error")
  void deadLetterAfterFiveFailures() throws Exception {
    WorkerSettings s = settings("dlq-group");
    AtomicInteger calls = new AtomicInteger();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String id =
        deploy(
            s,
            (entry, group) -> {
              calls.incrementAndGet();
              return Future.failedFuture(new IllegalStateException("internal API answered 503"));
            },
            registry);
    String entryId = publish(s.stream(), "session.ended", "s-1");

    eventually("a dead letter", () -> !deadLetters(s).isEmpty());
    Map<String, String> dead = deadLetters(s).get(0);
    assertThat(dead)
        .containsEntry("sourceId", entryId)
        .containsEntry("error", "internal API answered 503")
        .containsEntry("deliveries", "5")
        .containsEntry("type", "session.ended")
        .containsEntry("data", "{\"n\":1}");
    assertThat(calls.get()).isEqualTo(5);
    assertThat(pending(s)).isZero();
    // counted once the entry is also acknowledged and its error key deleted, just after the XADD
    eventually(
        "the dead letter counted",
        () -> registry.get("interviewroom.events.dlq").counter().count() >= 1.0);
    assertThat(registry.get("interviewroom.events.dlq").counter().count()).isEqualTo(1.0);
    await(vertx.undeploy(id));
  }

  @Test
  @DisplayName(
      "an entry that fails twice then succeeds is acknowledged once and never dead-lettered")
  void retryThenSuccess() throws Exception {
    WorkerSettings s = settings("retry-group");
    AtomicInteger calls = new AtomicInteger();
    String id =
        deploy(
            s,
            (entry, group) ->
                calls.incrementAndGet() <= 2
                    ? Future.failedFuture(new IllegalStateException("transient"))
                    : Future.succeededFuture(),
            new SimpleMeterRegistry());
    publish(s.stream(), "code.edited", "s-2");

    eventually("three calls, nothing pending", () -> calls.get() == 3 && pending(s) == 0);
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
    String id =
        deploy(
            s,
            (entry, group) -> {
              calls.incrementAndGet();
              return effect.future();
            },
            new SimpleMeterRegistry());
    publish(s.stream(), "code.edited", "s-3");

    eventually("one call", () -> calls.get() == 1);
    assertThat(pending(s)).isEqualTo(1);
    vertx.runOnContext(v -> effect.complete());
    eventually("nothing pending", () -> pending(s) == 0);
    await(vertx.undeploy(id));
  }

  @Test
  @DisplayName(
      "entries left pending by an undeployed worker are claimed and finished by another, each exactly once")
  void killedWorkerEntriesAreClaimed() throws Exception {
    WorkerSettings first =
        WorkerSettings.defaults("test-events-" + UUID.randomUUID(), "claim-group")
            .withConsumer("first");
    AtomicInteger firstCalls = new AtomicInteger();
    // the first consumer's calls never reach their effect before it dies
    String dying =
        deploy(
            first,
            (entry, group) -> {
              firstCalls.incrementAndGet();
              return Future.failedFuture(new IllegalStateException("connection refused"));
            },
            new SimpleMeterRegistry());
    for (int i = 0; i < 10; i++) {
      publish(first.stream(), "session.ended", "s-" + i);
    }
    eventually("ten calls on the first worker", () -> firstCalls.get() == 10);
    await(vertx.undeploy(dying));
    assertThat(pending(first)).isEqualTo(10);

    // every invocation counts, so a second run of one entry shows up as a duplicate
    List<String> effects = new CopyOnWriteArrayList<>();
    WorkerSettings second = first.withConsumer("second").withClaims(300, 100);
    String survivor =
        deploy(
            second,
            (entry, group) -> {
              effects.add(entry.id());
              return Future.succeededFuture();
            },
            new SimpleMeterRegistry());

    eventually("nothing pending for the second worker", () -> pending(second) == 0);
    Thread.sleep(1_000);
    assertThat(effects).hasSize(10).doesNotHaveDuplicates();
    await(vertx.undeploy(survivor));
  }

  @Test
  @DisplayName(
      "a handler slower than the claim threshold is not claimed by another consumer, runs once and is never dead-lettered")
  void slowHandlerKeptByItsConsumer() throws Exception {
    // idle threshold 300 ms, at most 2 deliveries: a 3 s handler would be claimed (and
    // dead-lettered) without the refresh
    WorkerSettings s =
        WorkerSettings.defaults("test-events-" + UUID.randomUUID(), "slow-group")
            .withClaims(300, 100)
            .withMaxDeliveries(2);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger finished = new AtomicInteger();
    EntryHandler slow =
        (entry, group) -> {
          runs.computeIfAbsent(entry.id(), id -> new AtomicInteger()).incrementAndGet();
          return vertx.timer(3_000).<Void>mapEmpty().onSuccess(v -> finished.incrementAndGet());
        };
    String one = deploy(s.withConsumer("one"), slow, new SimpleMeterRegistry());
    String two = deploy(s.withConsumer("two"), slow, new SimpleMeterRegistry());
    List<String> ids =
        List.of(
            publish(s.stream(), "session.ended", "a"),
            publish(s.stream(), "session.ended", "b"),
            publish(s.stream(), "session.ended", "c"));

    eventually("three entries run", () -> runs.size() == 3);
    Thread.sleep(1_500);
    // half-way: still pending, still on their first delivery
    for (String id : ids) {
      Response entry =
          await(
              redis.send(
                  Request.cmd(Command.XPENDING)
                      .arg(s.stream())
                      .arg(s.group())
                      .arg(id)
                      .arg(id)
                      .arg(1)));
      assertThat(entry.size()).as(id + " still pending, not dead-lettered").isEqualTo(1);
      assertThat(entry.get(0).get(3).toLong()).as("deliveries of " + id).isEqualTo(1);
    }
    eventually("nothing pending", () -> pending(s) == 0);
    Thread.sleep(1_000);
    assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(runs.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    assertThat(finished.get()).isEqualTo(3);
    assertThat(deadLetters(s)).isEmpty();
    await(vertx.undeploy(one));
    await(vertx.undeploy(two));
  }

  @Test
  @DisplayName(
      "each entry is acknowledged as it finishes, not when the slowest entry read with it does")
  void ackEachAsItFinishes() throws Exception {
    WorkerSettings s = WorkerSettings.defaults("test-events-" + UUID.randomUUID(), "each-group");
    Promise<Void> slowEffect = Promise.promise();
    AtomicInteger calls = new AtomicInteger();
    // both entries exist before the worker's first read, so they arrive in one batch
    await(
        redis.send(
            Request.cmd(Command.XGROUP)
                .arg("CREATE")
                .arg(s.stream())
                .arg(s.group())
                .arg("$")
                .arg("MKSTREAM")));
    String slowId = publish(s.stream(), "session.ended", "slow");
    String fastId = publish(s.stream(), "session.ended", "fast");
    String id =
        deploy(
            s,
            (entry, group) -> {
              calls.incrementAndGet();
              return "slow".equals(entry.fields().get("sessionId"))
                  ? slowEffect.future()
                  : Future.succeededFuture();
            },
            new SimpleMeterRegistry());

    eventually("two calls, the slow one pending", () -> calls.get() == 2 && pending(s) == 1);
    Response left =
        await(
            redis.send(
                Request.cmd(Command.XPENDING)
                    .arg(s.stream())
                    .arg(s.group())
                    .arg("-")
                    .arg("+")
                    .arg(10)));
    assertThat(left.get(0).get(0).toString()).isEqualTo(slowId).isNotEqualTo(fastId);
    vertx.runOnContext(v -> slowEffect.complete());
    eventually("nothing pending", () -> pending(s) == 0);
    await(vertx.undeploy(id));
  }

  @Test
  @DisplayName(
      "an idle worker waits in XREADGROUP BLOCK: a few seconds without events cost one or two reads, not a busy loop")
  void readBlocks() throws Exception {
    WorkerSettings s = WorkerSettings.defaults("test-events-" + UUID.randomUUID(), "block-group");
    try (RedisCountingProxy proxy = new RedisCountingProxy(vertx, TestRedis.url())) {
      AtomicInteger calls = new AtomicInteger();
      // only the dedicated reader connects through the proxy; acknowledgements go through the
      // shared client
      String id =
          await(
              vertx.deployVerticle(
                  new WorkerVerticle(
                      s,
                      proxy.url(),
                      redis,
                      (entry, group) -> {
                        calls.incrementAndGet();
                        return Future.succeededFuture();
                      },
                      new SimpleMeterRegistry())));
      eventually("a read through the proxy", () -> proxy.commands("XREADGROUP") >= 1);
      Thread.sleep(3_000);
      // BLOCK 5000: the first read is still waiting (two if a slow start let one block end)
      assertThat(proxy.commands("XREADGROUP")).isBetween(1, 2);
      publish(s.stream(), "code.edited", "wake");
      eventually("one call", () -> calls.get() == 1);
      await(vertx.undeploy(id));
    }
  }

  @Test
  @DisplayName(
      "a consumer group deleted under a running worker is recreated and consumption continues")
  void noGroupRecreates() throws Exception {
    WorkerSettings s = WorkerSettings.defaults("test-events-" + UUID.randomUUID(), "nogroup-group");
    AtomicInteger calls = new AtomicInteger();
    String id =
        deploy(
            s,
            (entry, group) -> {
              calls.incrementAndGet();
              return Future.succeededFuture();
            },
            new SimpleMeterRegistry());
    publish(s.stream(), "code.edited", "a");
    eventually("one call", () -> calls.get() == 1);

    await(redis.send(Request.cmd(Command.XGROUP).arg("DESTROY").arg(s.stream()).arg(s.group())));
    // the blocked read fails with NOGROUP once its BLOCK ends or the next read starts; then the
    // group is recreated at "$"
    eventually(
        "the group recreated",
        () -> {
          Response groups =
              await(redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(s.stream())));
          return groups.size() == 1;
        });
    publish(s.stream(), "code.edited", "b");
    eventually("two calls", () -> calls.get() == 2);
    await(vertx.undeploy(id));
  }
}
