package com.interviewroom.sandbox;

import static com.interviewroom.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 E: sessions flooding the observer with pathological Java while a candidate runs code. A
 * runner with one slot, so every request competes for it; the order is read from the runner's
 * admissions, not from wall time.
 */
class ObserverFloodTest {
  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = SandboxServer.dedicated(1, 4);
    eventually(
        "the runner started",
        () ->
            !"starting"
                .equals(
                    server
                        .client
                        .get("/health")
                        .send()
                        .await()
                        .bodyAsJsonObject()
                        .getString("status")));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName(
      "an execution is admitted before queued observer compiles; per-session and per-user limits answer 429")
  void executionsGoFirst() throws Exception {
    SandboxService service = server.verticle.service();
    int before = service.recentAdmissions().size();
    // A run holds the only slot while the flood arrives.
    CompletableFuture<HttpResponse<Buffer>> holder =
        post("/v1/run", Requests.program("python", "import time\ntime.sleep(4)\nprint(1)\n"));
    eventually("the admission recorded", () -> service.recentAdmissions().size() > before);
    int holderIndex = service.recentAdmissions().size() - 1;

    String bomb = AdversarialSuiteTest.javaCompileBomb();
    CompletableFuture<HttpResponse<Buffer>> a = post("/v1/check", check(bomb, "s1", "u1"));
    eventually(
        "one observer running",
        () ->
            service.observers().running()
                == 1); // its turn came: it waits for the slot behind executions
    CompletableFuture<HttpResponse<Buffer>> b1 = post("/v1/check", check(bomb, "s2", "u2"));
    eventually("one observer waiting", () -> service.observers().waiting() == 1);
    CompletableFuture<HttpResponse<Buffer>> b2 = post("/v1/check", check(bomb, "s2", "u2"));
    HttpResponse<Buffer> superseded = b1.get(10, TimeUnit.SECONDS);
    assertThat(superseded.statusCode()).isEqualTo(429);
    assertThat(superseded.bodyAsJsonObject().getString("code")).isEqualTo("observer_superseded");
    CompletableFuture<HttpResponse<Buffer>> c = post("/v1/check", check(bomb, "s3", "u1"));
    eventually("two observers waiting", () -> service.observers().waiting() == 2);
    HttpResponse<Buffer> overUser =
        post("/v1/check", check(bomb, "s4", "u1")).get(10, TimeUnit.SECONDS);
    assertThat(overUser.statusCode()).isEqualTo(429);
    assertThat(overUser.bodyAsJsonObject().getString("code")).isEqualTo("observer_user_limit");
    assertThat(overUser.getHeader("Retry-After")).isNotNull();

    CompletableFuture<HttpResponse<Buffer>> run =
        post("/v1/run", Requests.program("python", "print(6 * 7)"));
    eventually("one execution waiting", () -> service.pool().waitingExecutions() == 1);
    assertThat(holder.get(20, TimeUnit.SECONDS).statusCode())
        .as("the holder ran past the flood's arrival")
        .isEqualTo(200);

    HttpResponse<Buffer> answer = run.get(30, TimeUnit.SECONDS);
    assertThat(answer.bodyAsJsonObject().getString("stdout")).isEqualTo("42\n");
    for (CompletableFuture<HttpResponse<Buffer>> compile : List.of(a, b2, c)) {
      HttpResponse<Buffer> response = compile.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getBoolean("ok")).isFalse();
    }
    List<String> order =
        service.recentAdmissions().subList(holderIndex, service.recentAdmissions().size());
    assertThat(order)
        .as("admissions from the holder on")
        .startsWith("run", "run")
        .containsSubsequence("run", "check", "check", "check");
    assertThat(order.indexOf("check"))
        .as("the first observer compile is admitted after the waiting execution")
        .isEqualTo(2);
  }

  private static JsonObject check(String code, String session, String user) {
    return new JsonObject()
        .put("language", "java")
        .put("code", code)
        .put("session", session)
        .put("user", user);
  }

  private static CompletableFuture<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return server
        .client
        .post(path)
        .timeout(120_000)
        .sendJsonObject(body)
        .toCompletionStage()
        .toCompletableFuture();
  }
}
