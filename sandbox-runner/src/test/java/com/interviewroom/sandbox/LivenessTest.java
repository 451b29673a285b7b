package com.interviewroom.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The runner keeps serving. The wedge of issue 22: after the runner sat idle past the JDK's 30 s
 * carrier keep-alive, the virtual-thread scheduler had no carrier left that was not blocked reading
 * a pre-started sandbox's pipe, so no run was ever scheduled again. Idle past every idle timeout,
 * then every language, repeatedly, each answered within its limits. And a run stuck past its limits
 * is failed by the watchdog, which frees its slot for the next request.
 */
class LivenessTest {
  /**
   * Past the virtual-thread scheduler's 30 s keep-alive (not configurable) and our own pre-start.
   */
  private static final long IDLE_MS = 35_000;

  private static SandboxServer server;

  @BeforeAll
  static void startRunner() {
    server = SandboxServer.dedicated(2, 4);
  }

  @AfterAll
  static void stopRunner() {
    server.close();
  }

  @Test
  @DisplayName(
      "after the runner sat idle past every idle timeout, every language runs, again and again")
  void idleRunnerStillRuns() throws InterruptedException {
    Thread.sleep(IDLE_MS);
    for (int round = 0; round < 3; round++) {
      assertRuns("python", "print(6 * 7)");
      assertRuns("javascript", "console.log(6 * 7);");
      assertRuns(
          "java",
          "public class Main { public static void main(String[] a) { System.out.println(6 * 7); } }");
      JsonObject submitted =
          runWithin(Requests.function("python", Requests.PY_TWO_SUM, Requests.twoSum()));
      assertThat(submitted.getString("verdict")).isEqualTo("accepted");
    }
  }

  @Test
  @DisplayName(
      "work stuck in a slot past its budget is failed by the watchdog and the slot serves the next runs")
  void watchdogFailsStuckWorkAndFreesTheSlot() throws Exception {
    SandboxService service = server.verticle.service();
    long killsBefore = service.watchdogKills();
    CountDownLatch release = new CountDownLatch(1);
    List<Future<Object>> stuck = new ArrayList<>();
    try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 2; i++) { // every slot
        stuck.add(
            callers.submit(
                () ->
                    service.onSlot(
                        Duration.ofSeconds(1),
                        false,
                        slot -> {
                          release.await(); // a run that never ends by itself
                          return "finished";
                        })));
      }
      for (Future<Object> call : stuck) {
        assertThatThrownBy(() -> call.get(20, TimeUnit.SECONDS))
            .hasCauseInstanceOf(IOException.class)
            .hasMessageContaining("watchdog");
      }
    }
    assertThat(service.watchdogKills() - killsBefore).isEqualTo(2);
    assertRuns("python", "print(6 * 7)");
    assertRuns(
        "java",
        "public class Main { public static void main(String[] a) { System.out.println(6 * 7); } }");
    release
        .countDown(); // the stuck threads return: they no longer own a slot, so none is given back
    // twice
    Thread.sleep(200);
    assertThat(service.pool().freeSlots()).isEqualTo(2);
  }

  private static void assertRuns(String language, String code) {
    JsonObject result = runWithin(Requests.program(language, code));
    assertThat(result.getString("verdict"))
        .as(language + " " + result.encode())
        .isEqualTo("accepted");
    assertThat(result.getString("stdout")).isEqualTo("42\n");
  }

  /** Well under the runs' own limits plus a margin: a wedged runner never answers. */
  private static JsonObject runWithin(JsonObject body) {
    HttpResponse<Buffer> response =
        server
            .client
            .request(HttpMethod.POST, "/v1/run")
            .timeout(20_000)
            .sendJsonObject(body)
            .await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }
}
