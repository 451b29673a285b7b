package com.interviewroom.edge.health;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.edge.EdgeServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

class HealthRoutesTest {

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<Buffer> get(EdgeServer server, String path) {
    return await(server.client.get(path).send());
  }

  @Test
  @DisplayName("readiness goes 503 when Redis stops and back to 200 when it returns")
  void readinessFollowsRedis() throws Exception {
    int port = freePort();
    RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
    redis.start();
    try (EdgeServer server = EdgeServer.start(Map.of(), "redis://127.0.0.1:" + port)) {
      HttpResponse<Buffer> up = get(server, "/health/ready");
      assertThat(up.statusCode()).isEqualTo(200);
      JsonObject components = up.bodyAsJsonObject().getJsonObject("components");
      assertThat(components.getJsonObject("postgres").getString("status")).isEqualTo("up");
      assertThat(components.getJsonObject("postgres").getLong("latencyMs")).isNotNegative();
      assertThat(components.getJsonObject("redis").getString("status")).isEqualTo("up");
      assertThat(components.getJsonObject("openai").getString("status"))
          .isEqualTo("not_configured");
      assertThat(components.getJsonObject("stripe").getString("status"))
          .isEqualTo("not_configured");

      redis.stop();
      HttpResponse<Buffer> down = get(server, "/health/ready");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(
              down.bodyAsJsonObject()
                  .getJsonObject("components")
                  .getJsonObject("redis")
                  .getString("status"))
          .isEqualTo("down");
      assertThat(down.bodyAsJsonObject().getString("status")).isEqualTo("down");

      redis.start();
      long deadline = System.currentTimeMillis() + 15_000;
      int status;
      do {
        status = get(server, "/health/ready").statusCode();
        if (status != 200) {
          Thread.sleep(200);
        }
      } while (status != 200 && System.currentTimeMillis() < deadline);
      assertThat(status).isEqualTo(200);
    } finally {
      redis.stop();
    }
  }

  @Test
  @DisplayName(
      "dependencies are probed in parallel: three that never answer cost one timeout, and each reports timeout")
  void probesRunInParallelUnderATimeout() {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      List<Dependency> hanging =
          List.of(
              new Dependency("postgres", true, () -> Promise.promise().future()),
              new Dependency("redis", true, () -> Promise.promise().future()),
              new Dependency("s3", false, () -> Promise.promise().future()));
      new HealthRoutes(vertx, Config.from(Map.of()), hanging).mount(router);
      HttpServer server =
          await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
      WebClient client = WebClient.create(vertx);

      long started = System.nanoTime();
      HttpResponse<Buffer> response =
          await(client.get(server.actualPort(), "127.0.0.1", "/health/ready").send());
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(elapsedMs)
          .as("one timeout, not three in a row")
          .isGreaterThanOrEqualTo(HealthRoutes.PROBE_TIMEOUT_MS)
          .isLessThan(2 * HealthRoutes.PROBE_TIMEOUT_MS);
      JsonObject components = response.bodyAsJsonObject().getJsonObject("components");
      for (String name : new String[] {"postgres", "redis", "s3"}) {
        assertThat(components.getJsonObject(name).getString("status")).as(name).isEqualTo("down");
        assertThat(components.getJsonObject(name).getString("error")).as(name).isEqualTo("timeout");
        assertThat(components.getJsonObject(name).getLong("latencyMs"))
            .as(name)
            .isGreaterThanOrEqualTo(HealthRoutes.PROBE_TIMEOUT_MS);
      }
    } finally {
      await(vertx.close());
    }
  }

  @Test
  @DisplayName("S3 down is not critical: readiness stays 200 and says degraded, with s3 down")
  void s3DownIsDegraded() throws Exception {
    try (EdgeServer server =
        EdgeServer.start(Map.of("S3_ENDPOINT", "http://127.0.0.1:" + freePort()))) {
      HttpResponse<Buffer> response = get(server, "/health/ready");
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("degraded");
      assertThat(body.getJsonObject("components").getJsonObject("s3").getString("status"))
          .isEqualTo("down");
      assertThat(body.getJsonObject("components").getJsonObject("postgres").getString("status"))
          .isEqualTo("up");
      assertThat(body.getJsonObject("components").getJsonObject("redis").getString("status"))
          .isEqualTo("up");
    }
  }

  @Test
  @DisplayName(
      "readiness checks each configured model with the provider's model lookup (cached): a retired Gemini model is named and the service degraded")
  void modelsAreChecked() throws Exception {
    Vertx fakes = Vertx.vertx();
    java.util.concurrent.atomic.AtomicInteger lookups =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.Set<String> known =
        java.util.Set.of(
            "/v1/models/gpt-realtime",
            "/v1/models/claude-haiku-4-5",
            "/v1/models/claude-sonnet-4-6",
            "/v1beta/models/gemini-2.5-flash-native-audio-preview-12-2025");
    HttpServer fake =
        await(
            fakes
                .createHttpServer()
                .requestHandler(
                    req -> {
                      lookups.incrementAndGet();
                      boolean keyed =
                          "Bearer sk-test".equals(req.getHeader("Authorization"))
                              || "gm-test".equals(req.getHeader("x-goog-api-key"))
                              || "sk-ant-test".equals(req.getHeader("x-api-key"));
                      req.response()
                          .setStatusCode(
                              !keyed || req.query() != null
                                  ? 401
                                  : known.contains(req.path()) ? 200 : 404)
                          .end(new JsonObject().put("id", req.path()).encode());
                    })
                .listen(0, "127.0.0.1"));
    String origin = "127.0.0.1:" + fake.actualPort();
    try (EdgeServer server =
        EdgeServer.start(
            Map.of(
                "OPENAI_API_KEY",
                "sk-test",
                "OPENAI_REALTIME_URL",
                "ws://" + origin + "/v1/realtime",
                "GEMINI_API_KEY",
                "gm-test",
                "GEMINI_LIVE_URL",
                "ws://"
                    + origin
                    + "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
                "GEMINI_LIVE_MODEL",
                "gemini-live-2.5-flash-preview",
                "ANTHROPIC_API_KEY",
                "sk-ant-test",
                "ANTHROPIC_BASE_URL",
                "http://" + origin))) {
      HttpResponse<Buffer> response = get(server, "/health/ready");
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("degraded");
      JsonObject gemini = body.getJsonObject("components").getJsonObject("gemini");
      assertThat(gemini.getString("status")).isEqualTo("model_unavailable");
      assertThat(gemini.getJsonArray("models").getJsonObject(0).getString("model"))
          .isEqualTo("gemini-live-2.5-flash-preview");
      assertThat(gemini.getJsonArray("models").getJsonObject(0).getString("setting"))
          .isEqualTo("GEMINI_LIVE_MODEL");
      JsonObject openai = body.getJsonObject("components").getJsonObject("openai");
      assertThat(openai.getString("status")).isEqualTo("configured");
      assertThat(openai.getJsonArray("models").getJsonObject(0).getString("modelStatus"))
          .isEqualTo("available");
      assertThat(body.getJsonObject("components").getJsonObject("anthropic").getJsonArray("models"))
          .hasSize(2)
          .allSatisfy(
              m -> assertThat(((JsonObject) m).getString("modelStatus")).isEqualTo("available"));
      int asked = lookups.get();
      get(server, "/health/ready");
      assertThat(lookups.get()).as("answers are cached").isEqualTo(asked);
    } finally {
      await(fakes.close());
    }
  }

  @Test
  @DisplayName(
      "liveness answers with status, version, uptime and open WebSockets, without touching dependencies")
  void liveness() {
    try (EdgeServer server = EdgeServer.start()) {
      HttpResponse<Buffer> response = get(server, "/health");
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("ok");
      assertThat(body.containsKey("version")).isTrue();
      assertThat(body.getLong("uptimeSeconds")).isNotNegative();
      assertThat(body.getInteger("openWebSockets")).isNotNegative();
    }
  }

  @Test
  @DisplayName("unknown routes and internal paths are 404 problems carrying the echoed request id")
  void unknownRoutes() {
    try (EdgeServer server = EdgeServer.start()) {
      for (String path : new String[] {"/nope", "/api/nope", "/api/internal/agents/evaluate"}) {
        HttpResponse<Buffer> response =
            await(server.client.get(path).putHeader("X-Request-Id", "req-123").send());
        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        JsonObject problem = response.bodyAsJsonObject();
        assertThat(problem.getString("requestId")).isEqualTo("req-123");
        assertThat(problem.fieldNames())
            .contains("type", "title", "status", "detail", "code", "requestId");
        assertThat(response.getHeader("X-Request-Id")).isEqualTo("req-123");
      }
    }
  }

  @Test
  @DisplayName(
      "metrics are Prometheus text with per-route HTTP series on the internal listener; the public listener answers 404")
  void metrics() {
    try (EdgeServer server =
        EdgeServer.start(
            Map.of(
                "INTERNAL_WEBHOOK_SECRET",
                "metrics-test-secret-0123456789abcdefgh",
                "INTERNAL_PORT",
                "0"))) {
      get(server, "/health");
      HttpResponse<Buffer> hidden = get(server, "/metrics");
      assertThat(hidden.statusCode()).isEqualTo(404);
      assertThat(hidden.bodyAsString()).doesNotContain("vertx_http_server_requests_total");
      com.interviewroom.edge.internal.InternalVerticle internal =
          new com.interviewroom.edge.internal.InternalVerticle(server.context);
      await(server.vertx.deployVerticle(internal));
      String text =
          await(server.client.get(internal.actualPort(), "127.0.0.1", "/metrics").send())
              .bodyAsString();
      assertThat(text).contains("vertx_http_server_requests_total");
      assertThat(text).contains("route=\"/health\"");
    }
  }
}
