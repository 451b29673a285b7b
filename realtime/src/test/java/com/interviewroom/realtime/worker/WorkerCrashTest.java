package com.interviewroom.realtime.worker;

import static com.interviewroom.testkit.Await.await;
import static com.interviewroom.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.testkit.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A worker process killed outright (SIGKILL) with calls in flight loses nothing: another finishes
 * each entry once.
 */
class WorkerCrashTest {
  private static final int ENTRIES = 6;
  private static Vertx vertx;
  private static Redis redis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestRedis.url());
  }

  @AfterAll
  static void stop() {
    redis.close();
    await(vertx.close());
  }

  private static long started(String stream) {
    Response value = await(redis.send(Request.cmd(Command.GET).arg(stream + ":started")));
    return value == null ? 0 : value.toLong();
  }

  @Test
  @DisplayName(
      "a worker JVM killed mid-batch leaves its entries pending; a second worker claims them and runs each exactly once")
  void killedProcessMidBatch() throws Exception {
    String stream = "test-events-" + UUID.randomUUID();
    String group = "crash-group";
    await(
        redis.send(
            Request.cmd(Command.XGROUP)
                .arg("CREATE")
                .arg(stream)
                .arg(group)
                .arg("$")
                .arg("MKSTREAM")));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ENTRIES; i++) {
      ids.add(
          await(
                  redis.send(
                      Request.cmd(Command.XADD)
                          .arg(stream)
                          .arg("*")
                          .arg("type")
                          .arg("session.ended")
                          .arg("sessionId")
                          .arg("s-" + i)
                          .arg("userId")
                          .arg("")
                          .arg("requestId")
                          .arg("")
                          .arg("data")
                          .arg("{}")))
              .toString());
    }
    Path log = Files.createTempFile("worker-child", ".log");
    Process child =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                WorkerChild.class.getName(),
                TestRedis.url(),
                stream,
                group,
                "doomed")
            .redirectError(log.toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      // stdout also carries the child's JSON log lines
      String line = out.readLine();
      while (line != null && !line.equals("READY")) {
        line = out.readLine();
      }
      assertThat(line).as("child said READY before exiting, see " + log).isEqualTo("READY");
      // every entry's call is in flight in the child
      eventually("every entry started", () -> started(stream) == ENTRIES);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Response summary = await(redis.send(Request.cmd(Command.XPENDING).arg(stream).arg(group)));
    assertThat(summary.get(0).toLong()).as("un-acknowledged after the kill").isEqualTo(ENTRIES);
    assertThat(summary.get(3).get(0).get(0).toString()).isEqualTo("doomed");

    Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    WorkerSettings survivor =
        WorkerSettings.defaults(stream, group).withConsumer("survivor").withClaims(500, 100);
    String id =
        await(
            vertx.deployVerticle(
                new WorkerVerticle(
                    survivor,
                    TestRedis.url(),
                    redis,
                    (entry, g) -> {
                      effects
                          .computeIfAbsent(entry.id(), k -> new AtomicInteger())
                          .incrementAndGet();
                      return Future.succeededFuture();
                    },
                    new SimpleMeterRegistry())));
    try {
      eventually(
          "nothing pending",
          () ->
              await(redis.send(Request.cmd(Command.XPENDING).arg(stream).arg(group)))
                      .get(0)
                      .toLong()
                  == 0);
      Thread.sleep(1_000);
      assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(effects.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    } finally {
      await(vertx.undeploy(id));
      await(redis.send(Request.cmd(Command.DEL).arg(stream).arg(stream + ":started")));
      Files.deleteIfExists(log);
    }
  }
}
