package com.interviewroom.sandbox;

import com.interviewroom.common.config.Config;
import com.interviewroom.sandbox.http.SandboxVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;

/**
 * One real runner (real bwrap, real cgroups) on a random port, shared by the test classes of this
 * JVM: building the Java harness and warming the compiler once keeps the suite within minutes.
 */
final class SandboxServer {
  private static SandboxServer instance;

  final Vertx vertx;
  final SandboxVerticle verticle;

  /** Every request carries the runner's token. */
  final WebClient client;

  private SandboxServer(int slots, int queue) {
    vertx = Vertx.vertx();
    verticle = new SandboxVerticle(new Config.Sandbox(null, 0, slots, queue, true));
    vertx.deployVerticle(verticle).await();
    client =
        WebClientSession.create(
                WebClient.create(
                    vertx,
                    new WebClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(verticle.actualPort())))
            .addHeader("Authorization", "Bearer " + verticle.token());
    verticle.service().warmUp();
  }

  static synchronized SandboxServer shared() {
    if (instance == null) {
      instance = new SandboxServer(2, 8);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> instance.vertx.close().await()));
    }
    return instance;
  }

  /** A separate, small runner for tests that must fill every slot. */
  static SandboxServer dedicated(int slots, int queue) {
    return new SandboxServer(slots, queue);
  }

  HttpResponse<Buffer> post(String path, JsonObject body) {
    return client.request(HttpMethod.POST, path).timeout(60_000).sendJsonObject(body).await();
  }

  JsonObject run(JsonObject body) {
    HttpResponse<Buffer> response = post("/v1/run", body);
    if (response.statusCode() != 200) {
      throw new AssertionError("status " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  void close() {
    vertx.close().await();
  }
}
