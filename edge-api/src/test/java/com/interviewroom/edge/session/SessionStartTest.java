package com.interviewroom.edge.session;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.auth.Audiences;
import com.interviewroom.common.auth.VerifiedToken;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.TestUser;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionStartTest extends EdgeTest.WithProblemBank {
  private static int count(TestUser user, String sql) {
    return user.serviceQuery(
        sql, Tuple.of(user.id()), rows -> rows.iterator().next().getInteger("n"));
  }

  @Test
  @DisplayName(
      "start spends one credit through the ledger and answers 201 no-store with the problem and a realtime token for the session")
  void startsAndCharges() {
    TestUser user = TestUser.signup(server);
    HttpResponse<Buffer> response =
        user.post(
            "/api/sessions/start",
            new JsonObject().put("problemSlug", "two-sum").put("language", "java"));
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = response.bodyAsJsonObject();
    UUID sessionId = UUID.fromString(body.getString("sessionId"));
    assertThat(body.getString("status")).isEqualTo("scheduled");
    assertThat(body.getJsonObject("problem").getString("slug")).isEqualTo("two-sum");
    assertThat(body.getJsonObject("problem").getJsonArray("examples")).isNotEmpty();
    assertThat(body.getJsonObject("problem").containsKey("solutions")).isFalse();
    assertThat(body.getLong("expiresIn")).isBetween(1L, 60L);

    VerifiedToken token =
        await(server.context.verifier().verify(body.getString("wsToken"), Audiences.REALTIME));
    assertThat(token.userId()).isEqualTo(user.id());
    assertThat(token.claim("sid")).isEqualTo(sessionId.toString());
    assertThat(token.jwtId()).isNotBlank();

    assertThat(user.credits()).isEqualTo(2);
    JsonObject ledger =
        user.serviceQuery(
            "SELECT delta, session_id FROM credit_transactions WHERE user_id = $1 AND reason = 'session_start'",
            Tuple.of(user.id()),
            rows -> rows.iterator().next().toJson());
    assertThat(ledger.getInteger("delta")).isEqualTo(-1);
    assertThat(ledger.getString("session_id")).isEqualTo(sessionId.toString());
    JsonObject session =
        user.serviceQuery(
            "SELECT status, language, credit_charged FROM sessions WHERE id = $1",
            Tuple.of(sessionId),
            rows -> rows.iterator().next().toJson());
    assertThat(session.getString("status")).isEqualTo("scheduled");
    assertThat(session.getString("language")).isEqualTo("java");
    assertThat(session.getBoolean("credit_charged")).isTrue();
    String requestId = response.getHeader("X-Request-Id");
    int events =
        user.serviceQuery(
            "SELECT count(*) AS n FROM events WHERE session_id = $1 AND kind = 'session.created' AND request_id = $2",
            Tuple.of(sessionId, requestId),
            rows -> rows.iterator().next().getInteger("n"));
    assertThat(events).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "50 concurrent starts with one credit create exactly one session; every other one is refused (402, or 429 past the start limit)")
  void doubleSpendRace() {
    TestUser user = TestUser.signup(server);
    user.setCredits(1);
    List<Future<HttpResponse<Buffer>>> all =
        IntStream.range(0, 50)
            .mapToObj(
                i ->
                    server
                        .client
                        .request(HttpMethod.POST, "/api/sessions/start")
                        .putHeader("Authorization", user.authorization())
                        .sendJsonObject(
                            new JsonObject()
                                .put("problemSlug", "two-sum")
                                .put("language", "python")))
            .toList();
    await(Future.join(all));
    List<HttpResponse<Buffer>> responses = all.stream().map(Future::result).toList();
    assertThat(responses.stream().filter(r -> r.statusCode() == 201)).hasSize(1);
    // The strict limit (10 starts a minute) lets at most 10 through to the database; those race for
    // the one credit. Every other answer is a refusal: 402 from the ledger or 429 from the limiter.
    assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(201, 402, 429));
    assertThat(responses.stream().filter(r -> r.statusCode() == 429).count())
        .isGreaterThanOrEqualTo(40);
    for (HttpResponse<Buffer> refused :
        responses.stream().filter(r -> r.statusCode() == 402).toList()) {
      assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("insufficient_credits");
    }
    assertLedgerHoldsOneStart(user);
  }

  @Test
  @DisplayName(
      "50 concurrent starts straight at the service (no rate limit in front) still create exactly one session from one credit")
  void doubleSpendRaceBehindTheLimiter() {
    TestUser user = TestUser.signup(server);
    user.setCredits(1);
    SessionService service = SessionService.create(server.context, server.vertx);
    List<Future<JsonObject>> all =
        IntStream.range(0, 50)
            .mapToObj(
                i ->
                    service.start(
                        Actor.system(user.id()),
                        new StartRequest("two-sum", null, null, "python", null)))
            .toList();
    Future.join(all).toCompletionStage().toCompletableFuture().handle((ok, err) -> null).join();
    assertThat(all.stream().filter(Future::succeeded)).hasSize(1);
    assertThat(
            all.stream()
                .filter(Future::failed)
                .map(f -> ((com.interviewroom.common.http.ApiException) f.cause()).code()))
        .hasSize(49)
        .containsOnly("insufficient_credits");
    assertLedgerHoldsOneStart(user);
  }

  private void assertLedgerHoldsOneStart(TestUser user) {
    assertThat(user.credits()).isZero();
    assertThat(count(user, "SELECT count(*) AS n FROM sessions WHERE user_id = $1")).isEqualTo(1);
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM credit_transactions WHERE user_id = $1 AND reason = 'session_start'"))
        .isEqualTo(1);
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM events WHERE user_id = $1 AND kind = 'session.created'"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName(
      "an active or trialing subscriber starts without spending a credit; past_due beyond the grace pays like everyone else")
  void subscribersStartFree() {
    TestUser user = TestUser.signup(server);
    user.setCredits(0);
    user.serviceQuery(
        "INSERT INTO subscriptions (user_id, plan, status) VALUES ($1, 'pro', 'trialing')",
        Tuple.of(user.id()),
        rows -> null);
    UUID first = user.start("two-sum");
    user.serviceQuery(
        "UPDATE subscriptions SET status = 'active' WHERE user_id = $1",
        Tuple.of(user.id()),
        rows -> null);
    user.start("valid-parentheses");
    assertThat(user.credits()).isZero();
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM credit_transactions WHERE user_id = $1 AND reason = 'session_start'"))
        .isZero();
    boolean charged =
        user.serviceQuery(
            "SELECT credit_charged FROM sessions WHERE id = $1",
            Tuple.of(first),
            rows -> rows.iterator().next().getBoolean("credit_charged"));
    assertThat(charged).isFalse();

    user.serviceQuery(
        "UPDATE subscriptions SET status = 'past_due', past_due_since = now() - interval '8 days' WHERE user_id = $1",
        Tuple.of(user.id()),
        rows -> null);
    HttpResponse<Buffer> refused =
        user.post(
            "/api/sessions/start",
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(refused.statusCode()).isEqualTo(402);
  }

  @Test
  @DisplayName("start by difficulty picks a matching problem at random")
  void startsRandom() {
    TestUser user = TestUser.signup(server);
    HttpResponse<Buffer> response =
        user.post(
            "/api/sessions/start",
            new JsonObject()
                .put("difficulty", "easy")
                .put("category", "stacks")
                .put("language", "javascript"));
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.bodyAsJsonObject().getJsonObject("problem").getString("slug"))
        .isEqualTo("valid-parentheses");
    HttpResponse<Buffer> none =
        user.post(
            "/api/sessions/start",
            new JsonObject()
                .put("difficulty", "hard")
                .put("category", "stacks")
                .put("language", "javascript"));
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(user.credits()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a bad start body is one 400 listing every bad field, and spends nothing; an unknown slug is 404")
  void validatesBody() {
    TestUser user = TestUser.signup(server);
    HttpResponse<Buffer> response =
        user.post(
            "/api/sessions/start",
            new JsonObject()
                .put("problemSlug", "two-sum")
                .put("difficulty", "extreme")
                .put("language", "cobol")
                .put("extra", 1));
    assertThat(response.statusCode()).isEqualTo(400);
    Set<String> fields = new HashSet<>();
    response
        .bodyAsJsonObject()
        .getJsonArray("errors")
        .forEach(e -> fields.add(((JsonObject) e).getString("field")));
    assertThat(fields).containsExactlyInAnyOrder("difficulty", "language", "extra");
    HttpResponse<Buffer> both =
        user.post(
            "/api/sessions/start",
            new JsonObject()
                .put("problemSlug", "two-sum")
                .put("category", "stacks")
                .put("language", "python"));
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(both.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("problemSlug");
    HttpResponse<Buffer> unknown =
        user.post(
            "/api/sessions/start",
            new JsonObject().put("problemSlug", "no-such-problem").put("language", "python"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getString("code")).isEqualTo("problem_not_found");
    assertThat(user.credits()).isEqualTo(3);
    assertThat(
            await(
                    server
                        .client
                        .post("/api/sessions/start")
                        .sendJsonObject(new JsonObject().put("language", "python")))
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "with the sandbox runner unreachable, start answers 503 sandbox_unavailable and spends nothing; once it answers, starts go through")
  void startNeedsTheRunner() throws Exception {
    io.vertx.core.http.HttpServer runner = null;
    try (EdgeServer noRunner = EdgeServer.start(Map.of("SANDBOX_URL", "http://127.0.0.1:9"))) {
      await(ProblemBankSeeder.seed(noRunner.db, ProblemBank.load()));
      TestUser user = TestUser.signup(noRunner);
      HttpResponse<Buffer> refused =
          user.post(
              "/api/sessions/start",
              new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("sandbox_unavailable");
      assertThat(refused.getHeader("Retry-After")).isNotNull();
      com.interviewroom.edge.openapi.OpenApiContract.assertResponseMatches(
          "POST", "/api/sessions/start", 503, refused.bodyAsJsonObject());
      assertThat(user.credits()).isEqualTo(3);
      assertThat(count(user, "SELECT count(*) AS n FROM sessions WHERE user_id = $1")).isZero();
      assertThat(
              count(
                  user,
                  "SELECT count(*) AS n FROM credit_transactions WHERE user_id = $1 AND reason = 'session_start'"))
          .isZero();

      runner =
          await(
              server
                  .vertx
                  .createHttpServer()
                  .requestHandler(req -> req.response().end("{\"status\":\"ok\"}"))
                  .listen(0, "127.0.0.1"));
      try (EdgeServer withRunner =
          EdgeServer.start(Map.of("SANDBOX_URL", "http://127.0.0.1:" + runner.actualPort()))) {
        await(ProblemBankSeeder.seed(withRunner.db, ProblemBank.load()));
        TestUser other = TestUser.signup(withRunner);
        other.start("two-sum");
        assertThat(other.credits()).isEqualTo(2);
      }
    } finally {
      if (runner != null) {
        await(runner.close());
      }
    }
  }

  @Test
  @DisplayName(
      "a runner that answers but cannot run code (503 naming bubblewrap): start is refused before charging, readiness names what is missing, and the runner gets its token")
  void runnerThatCannotRunRefusesStarts() throws Exception {
    String token = "k".repeat(40);
    List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.http.HttpServer runner =
        await(
            server
                .vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      authorizations.add(String.valueOf(req.getHeader("Authorization")));
                      req.response()
                          .setStatusCode(503)
                          .putHeader("Content-Type", "application/json")
                          .end(
                              new JsonObject()
                                  .put("status", "down")
                                  .put(
                                      "missing",
                                      new io.vertx.core.json.JsonArray()
                                          .add(
                                              "bubblewrap (/usr/bin/bwrap): apt-get install -y bubblewrap"))
                                  .encode());
                    })
                .listen(0, "127.0.0.1"));
    try (EdgeServer edge =
        EdgeServer.start(
            Map.of(
                "SANDBOX_URL",
                "http://127.0.0.1:" + runner.actualPort(),
                "SANDBOX_TOKEN",
                token))) {
      await(ProblemBankSeeder.seed(edge.db, ProblemBank.load()));
      TestUser user = TestUser.signup(edge);
      HttpResponse<Buffer> refused =
          user.post(
              "/api/sessions/start",
              new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("sandbox_unavailable");
      assertThat(user.credits()).isEqualTo(3);
      JsonObject ready = await(edge.client.get("/health/ready").send()).bodyAsJsonObject();
      JsonObject sandbox = ready.getJsonObject("components").getJsonObject("sandbox");
      assertThat(sandbox.getString("status")).isEqualTo("down");
      assertThat(sandbox.getJsonArray("missing").encode())
          .contains("apt-get install -y bubblewrap");
      assertThat(authorizations).isNotEmpty().containsOnly("Bearer " + token);
    } finally {
      await(runner.close());
    }
  }
}
