package com.interviewroom.edge.ratelimit;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.http.ProblemHandler;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.auth.AuthService;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.auth.TokenRevocations;
import com.interviewroom.edge.openapi.OpenApiContract;
import com.interviewroom.testkit.TestRedis;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RateLimiterTest extends EdgeTest {
  private HttpResponse<Buffer> profile(JsonObject session) {
    return await(
        server
            .client
            .get("/api/users/profile")
            .putHeader("Authorization", EdgeServer.bearer(session))
            .send());
  }

  /**
   * A second "node": its own RateLimiter over the same Redis, serving one strict route on its own
   * port.
   */
  private HttpServer node(String keyPrefix) {
    RateLimiter limits = new RateLimiter(server.redis, server.context.registry(), keyPrefix);
    BearerAuth auth = bearerAuth(limits);
    Router router = Router.router(server.vertx);
    router
        .post("/expensive")
        .handler(auth)
        .handler(limits.strict())
        .handler(ctx -> ctx.response().end("ok"));
    router.route().failureHandler(new ProblemHandler());
    return await(server.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  private static BearerAuth bearerAuth(RateLimiter limits) {
    AuthService accounts =
        new AuthService(
            server.vertx,
            server.db,
            server.issuer,
            limits,
            server.context.config().auth().accounts());
    return new BearerAuth(
        server.context.verifier(),
        EdgeServer.ISSUER,
        accounts,
        TokenRevocations.of(server.vertx, server.redis, server.context.clock()));
  }

  private HttpResponse<Buffer> expensive(HttpServer node, JsonObject session) {
    return await(
        server
            .client
            .post(node.actualPort(), "127.0.0.1", "/expensive")
            .putHeader("Authorization", EdgeServer.bearer(session))
            .send());
  }

  @Test
  @DisplayName(
      "the 61st authenticated request in a minute is a 429 problem with Retry-After and a readable message")
  void generalLimit() {
    JsonObject session = server.signup();
    for (int i = 1; i <= 60; i++) {
      HttpResponse<Buffer> ok = profile(session);
      assertThat(ok.statusCode()).as("request " + i).isEqualTo(200);
      assertThat(ok.getHeader("X-RateLimit-Limit")).isEqualTo("60");
      assertThat(ok.getHeader("X-RateLimit-Remaining")).isEqualTo(String.valueOf(60 - i));
    }
    HttpResponse<Buffer> refused = profile(session);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isBetween(1, 60);
    assertThat(refused.getHeader("X-RateLimit-Remaining")).isEqualTo("0");
    JsonObject problem = refused.bodyAsJsonObject();
    assertThat(problem.getString("code")).isEqualTo("rate_limited");
    assertThat(problem.getString("detail")).contains("at most 60").contains("Try again in");
    OpenApiContract.assertResponseMatches("GET", "/api/users/profile", refused);

    JsonObject someoneElse = server.signup();
    assertThat(profile(someoneElse).statusCode()).as("limits are per user").isEqualTo(200);
  }

  @Test
  @DisplayName(
      "every authenticated route shares the general limit: other routes are refused once it is spent")
  void generalLimitCoversEveryRoute() {
    JsonObject session = server.signup();
    for (int i = 0; i < 60; i++) {
      assertThat(profile(session).statusCode()).isEqualTo(200);
    }
    for (String path : new String[] {"/api/me", "/api/users/data-export"}) {
      HttpResponse<Buffer> response =
          await(
              server
                  .client
                  .get(path)
                  .putHeader("Authorization", EdgeServer.bearer(session))
                  .send());
      assertThat(response.statusCode()).as(path).isEqualTo(429);
    }
  }

  @Test
  @DisplayName(
      "the strict limit (10/min) is shared across nodes through Redis: 6 on one node and 4 on another, then 429 on both")
  void strictLimitAcrossNodes() {
    String prefix = "ratelimit-test-" + UUID.randomUUID();
    HttpServer a = node(prefix);
    HttpServer b = node(prefix);
    try {
      JsonObject session = server.signup();
      for (int i = 0; i < 6; i++) {
        assertThat(expensive(a, session).statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 4; i++) {
        assertThat(expensive(b, session).statusCode()).isEqualTo(200);
      }
      HttpResponse<Buffer> refusedB = expensive(b, session);
      HttpResponse<Buffer> refusedA = expensive(a, session);
      assertThat(refusedA.statusCode()).isEqualTo(429);
      assertThat(refusedB.statusCode()).isEqualTo(429);
      assertThat(refusedA.getHeader("X-RateLimit-Limit")).isEqualTo("10");
      assertThat(refusedA.bodyAsJsonObject().getString("detail")).contains("at most 10");
      assertThat(refusedA.getHeader("Retry-After")).isNotNull();
    } finally {
      await(a.close());
      await(b.close());
    }
  }

  @Test
  @DisplayName("a counter key expires with its window, so Redis holds nothing for idle users")
  void keysExpire() {
    JsonObject session = server.signup();
    profile(session);
    String key = "ratelimit:general:" + session.getJsonObject("user").getString("id");
    long ttl = await(server.redis.send(Request.cmd(Command.PTTL).arg(key))).toLong();
    assertThat(ttl).isBetween(1L, 60_000L);
  }

  @Test
  @DisplayName(
      "with Redis down the limiter fails open: requests are served and the unavailable counter rises")
  void failsOpen() {
    // port 1 on loopback refuses connections: a Redis that is down
    try (EdgeServer noRedis = EdgeServer.start(Map.of(), "redis://127.0.0.1:1")) {
      JsonObject session = noRedis.signup();
      for (int i = 0; i < 3; i++) {
        HttpResponse<Buffer> response =
            await(
                noRedis
                    .client
                    .get("/api/users/profile")
                    .putHeader("Authorization", EdgeServer.bearer(session))
                    .send());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("X-RateLimit-Limit")).isNull();
      }
      assertThat(failOpens(noRedis, "error")).isGreaterThanOrEqualTo(3);
    }
  }

  private static double failOpens(EdgeServer on, String reason) {
    return on
        .context
        .registry()
        .find("interviewroom.ratelimit.unavailable")
        .tag("reason", reason)
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Test
  @DisplayName(
      "a Redis that never answers is given up on after the timeout (2 s), then the request is served and counted as a timeout")
  void failsOpenAfterTimeout() {
    // accepts connections and reads, never replies: a hung Redis
    NetServer silent =
        await(
            server
                .vertx
                .createNetServer()
                .connectHandler(socket -> socket.handler(bytes -> {}))
                .listen(0, "127.0.0.1"));
    try (EdgeServer hung = EdgeServer.start(Map.of(), "redis://127.0.0.1:" + silent.actualPort())) {
      JsonObject session = hung.signup();
      double before = failOpens(hung, "timeout"); // the sign-up's own limits timed out too
      long started = System.nanoTime();
      HttpResponse<Buffer> response =
          await(
              hung.client
                  .get("/api/users/profile")
                  .putHeader("Authorization", EdgeServer.bearer(session))
                  .send());
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(tookMs)
          .as("waited for Redis before giving up")
          .isGreaterThanOrEqualTo(RateLimiter.REDIS_TIMEOUT.toMillis());
      assertThat(failOpens(hung, "timeout") - before).isEqualTo(1);
    } finally {
      await(silent.close());
    }
  }

  @Test
  @DisplayName(
      "a slow Redis (600 ms a reply, under load) still enforces the limit: the 11th strict request is 429, nothing fails open")
  void slowRedisStillCounts() {
    NetServer proxy = delayingProxy(600);
    Redis slow = Redis.createClient(server.vertx, "redis://127.0.0.1:" + proxy.actualPort());
    RateLimiter limits =
        new RateLimiter(slow, server.context.registry(), "ratelimit-slow-" + UUID.randomUUID());
    Router router = Router.router(server.vertx);
    router
        .post("/expensive")
        .handler(bearerAuth(limits))
        .handler(limits.strict())
        .handler(ctx -> ctx.response().end("ok"));
    router.route().failureHandler(new ProblemHandler());
    HttpServer node =
        await(server.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    double before = failOpens(server, "timeout") + failOpens(server, "error");
    try {
      JsonObject session = server.signup();
      List<Future<HttpResponse<Buffer>>> all =
          IntStream.range(0, 11)
              .mapToObj(
                  i ->
                      server
                          .client
                          .post(node.actualPort(), "127.0.0.1", "/expensive")
                          .putHeader("Authorization", EdgeServer.bearer(session))
                          .send())
              .toList();
      await(Future.join(all));
      assertThat(all.stream().filter(f -> f.result().statusCode() == 200)).hasSize(10);
      assertThat(all.stream().filter(f -> f.result().statusCode() == 429)).hasSize(1);
      assertThat(failOpens(server, "timeout") + failOpens(server, "error")).isEqualTo(before);
    } finally {
      await(node.close());
      slow.close();
      await(proxy.close());
    }
  }

  /** A TCP proxy to the test Redis that holds every reply back for {@code delayMs}. */
  private static NetServer delayingProxy(long delayMs) {
    URI target = URI.create(TestRedis.url());
    NetClient upstream = server.vertx.createNetClient();
    return await(
        server
            .vertx
            .createNetServer()
            .connectHandler(
                client -> {
                  client.pause();
                  upstream
                      .connect(target.getPort(), target.getHost())
                      .onSuccess(
                          redis -> {
                            redis.handler(
                                reply -> server.vertx.setTimer(delayMs, t -> client.write(reply)));
                            client.handler(redis::write);
                            client.closeHandler(v -> redis.close());
                            redis.closeHandler(v -> client.close());
                            client.resume();
                          })
                      .onFailure(e -> client.close());
                })
            .listen(0, "127.0.0.1"));
  }

  @Test
  @DisplayName(
      "the strict limit is on the real router's session start and execute routes: one 10/min allowance for both, the 11th call is 429")
  void strictOnStartAndExecute() {
    for (String[] order : new String[][] {{"/execute", "/start"}, {"/start", "/execute"}}) {
      JsonObject session = server.signup();
      // calls that fail after the limiter (unknown session, unknown problem: 404) still spend the
      // allowance, and spend nothing in the services' own limits, so only the route's strict limit
      // can refuse
      // the 11th
      for (int i = 0; i < 10; i++) {
        HttpResponse<Buffer> response = strictCall(session, order[i % 2]);
        assertThat(response.statusCode()).as(order[i % 2] + " call " + (i + 1)).isEqualTo(404);
        assertThat(response.getHeader("X-RateLimit-Limit")).isEqualTo("10");
      }
      for (String route : order) {
        HttpResponse<Buffer> refused = strictCall(session, route);
        assertThat(refused.statusCode()).as(route + " after 10 strict calls").isEqualTo(429);
        assertThat(refused.bodyAsJsonObject().getString("detail")).contains("at most 10");
        assertThat(refused.getHeader("Retry-After")).isNotNull();
      }
    }
  }

  private HttpResponse<Buffer> strictCall(JsonObject session, String route) {
    var request =
        route.equals("/start")
            ? server.client.post("/api/sessions/start")
            : server.client.post("/api/sessions/" + UUID.randomUUID() + "/execute");
    JsonObject body =
        route.equals("/start")
            ? new JsonObject().put("problemSlug", "no-such-problem").put("language", "python")
            : new JsonObject().put("code", "print(1)").put("language", "python").put("mode", "run");
    return await(
        request.putHeader("Authorization", EdgeServer.bearer(session)).sendJsonObject(body));
  }
}
