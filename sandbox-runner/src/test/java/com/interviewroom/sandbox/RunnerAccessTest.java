package com.interviewroom.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.sandbox.http.SandboxRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 item 3 and issue 22 availability 2-4: who may call the runner, where it listens, several
 * instances on one host, and a health that tells whether code really runs.
 */
class RunnerAccessTest {
  private final SandboxServer server = SandboxServer.shared();

  @Test
  @DisplayName(
      "every /v1 call needs the runner's token: none or a wrong one is a 401 problem, and no code runs")
  void tokenRequired() {
    WebClient anonymous = WebClient.create(server.vertx);
    String base = "http://127.0.0.1:" + server.verticle.actualPort();
    JsonObject hello = Requests.program("python", "print(6 * 7)");
    HttpResponse<Buffer> none = anonymous.postAbs(base + "/v1/run").sendJsonObject(hello).await();
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.getHeader("Content-Type")).startsWith("application/problem+json");
    HttpResponse<Buffer> wrong =
        anonymous
            .postAbs(base + "/v1/run")
            .putHeader(
                "Authorization",
                "Bearer " + server.verticle.token().replace('a', 'b').replace('0', '1') + "x")
            .sendJsonObject(hello)
            .await();
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(anonymous.getAbs(base + "/v1/runtimes").send().await().statusCode()).isEqualTo(401);
    assertThat(
            anonymous
                .postAbs(base + "/v1/check")
                .sendJsonObject(new JsonObject().put("language", "python").put("code", "x"))
                .await()
                .statusCode())
        .isEqualTo(401);
    assertThat(server.run(hello).getString("stdout")).as("with the token").isEqualTo("42\n");
  }

  @Test
  @DisplayName("an in-process runner listens on loopback only")
  void loopbackOnly() throws Exception {
    List<InetAddress> external =
        Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
            .filter(
                i -> {
                  try {
                    return i.isUp() && !i.isLoopback();
                  } catch (Exception e) {
                    return false;
                  }
                })
            .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
            .filter(a -> a instanceof Inet4Address)
            .toList();
    assertThat(external).as("this host has a non-loopback address to try").isNotEmpty();
    for (InetAddress address : external) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address, server.verticle.actualPort()), 1_000);
        throw new AssertionError("the runner answered on " + address);
      } catch (java.io.IOException refused) {
        // as it must
      }
    }
  }

  @Test
  @DisplayName(
      "two runners side by side hold disjoint uid blocks and run at the same time, each as its own uids")
  void twoInstancesSideBySide() {
    SandboxServer other = SandboxServer.dedicated(1, 2);
    try {
      int mine = server.verticle.service().firstUid();
      int theirs = other.verticle.service().firstUid();
      assertThat(Math.abs(mine - theirs))
          .as("uid blocks " + mine + " and " + theirs)
          .isGreaterThanOrEqualTo(256);
      JsonObject whoAmI =
          Requests.program("python", "import os, time\ntime.sleep(0.5)\nprint(os.getuid())");
      CompletableFuture<JsonObject> there = CompletableFuture.supplyAsync(() -> other.run(whoAmI));
      JsonObject here = server.run(whoAmI);
      assertThat(Integer.parseInt(here.getString("stdout").trim())).isBetween(mine, mine + 99);
      assertThat(Integer.parseInt(there.join().getString("stdout").trim()))
          .isBetween(theirs, theirs + 99);
    } finally {
      other.close();
    }
  }

  @Test
  @DisplayName("/health runs a trivial program per language: 200 with every language up")
  void healthRunsEveryLanguage() throws InterruptedException {
    WebClient client = WebClient.create(server.vertx);
    HttpResponse<Buffer> health = null;
    for (int attempt = 0; attempt < 100; attempt++) { // "starting" until the first probe has run
      health =
          client
              .getAbs("http://127.0.0.1:" + server.verticle.actualPort() + "/health")
              .send()
              .await();
      assertThat(health.statusCode()).isEqualTo(200);
      if (!"starting".equals(health.bodyAsJsonObject().getString("status"))) {
        break;
      }
      Thread.sleep(100);
    }
    JsonObject body = health.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("ok");
    assertThat(body.getJsonObject("languages").getMap())
        .containsEntry("python", "up")
        .containsEntry("javascript", "up")
        .containsEntry("java", "up");
  }

  @Test
  @DisplayName(
      "a host that lacks bubblewrap: runs answer 503 sandbox_unavailable and /health is 503 naming what to install")
  void unavailableRunnerSaysWhy() {
    Vertx vertx = Vertx.vertx();
    try {
      String missing = "bubblewrap (/usr/bin/bwrap): apt-get install -y bubblewrap";
      Readiness readiness =
          new Readiness(null, List.of(missing), Executors.newVirtualThreadPerTaskExecutor());
      HttpServer http =
          vertx
              .createHttpServer()
              .requestHandler(
                  new SandboxRoutes(
                          vertx,
                          null,
                          readiness,
                          "t".repeat(40),
                          Executors.newVirtualThreadPerTaskExecutor())
                      .router())
              .listen(0, "127.0.0.1")
              .await();
      WebClient client = WebClient.create(vertx);
      String base = "http://127.0.0.1:" + http.actualPort();
      HttpResponse<Buffer> run =
          client
              .postAbs(base + "/v1/run")
              .putHeader("Authorization", "Bearer " + "t".repeat(40))
              .sendJsonObject(Requests.program("python", "print(1)"))
              .await();
      assertThat(run.statusCode()).isEqualTo(503);
      assertThat(run.bodyAsJsonObject().getString("code")).isEqualTo("sandbox_unavailable");
      assertThat(run.bodyAsJsonObject().getString("detail")).contains("bubblewrap");
      HttpResponse<Buffer> health = client.getAbs(base + "/health").send().await();
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("down");
      assertThat(health.bodyAsJsonObject().getJsonArray("missing").encode())
          .contains("apt-get install -y bubblewrap");
    } finally {
      vertx.close().await();
    }
  }
}
