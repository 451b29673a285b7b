package com.interviewroom.edge.console;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.schema.console.Detection;
import com.interviewroom.schema.console.FailureKind;
import com.interviewroom.schema.console.FailureStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator console's API over the real edge: the admin role on every route, sessions with
 * health and failures (filters, keyset paging, detail), the failure workflow, analytics, settings,
 * saved views (idempotent) and API keys (shown once, hashed, analytics only).
 */
class ConsoleApiTest {
  private static final String ADMIN_EMAIL = "console-" + UUID.randomUUID() + "@example.com";
  private static EdgeServer server;
  private static TestUser admin;
  private static FailureStore failures;

  @BeforeAll
  static void start() {
    server = EdgeServer.start(Map.of("ADMIN_EMAILS", ADMIN_EMAIL));
    await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
    HttpResponse<Buffer> signup =
        await(
            server
                .client
                .post("/api/auth/signup")
                .sendJsonObject(EdgeServer.credentials(ADMIN_EMAIL, "correct horse battery")));
    JsonObject body = signup.bodyAsJsonObject();
    admin =
        new TestUser(
            server,
            UUID.fromString(body.getJsonObject("user").getString("id")),
            EdgeServer.bearer(body));
    failures = new FailureStore(server.db, "http://localhost:8080");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> call(
      HttpMethod method, String path, String authorization, JsonObject body) {
    HttpRequest<Buffer> request = server.client.request(method, path);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private static HttpResponse<Buffer> get(String path) {
    return call(HttpMethod.GET, path, admin.authorization(), null);
  }

  /** A session of a fresh candidate, created {@code minutesAgo}, with a provider and status. */
  private static UUID session(UUID user, String provider, String status, int minutesAgo) {
    return await(
            server
                .db
                .pool()
                .preparedQuery(
                    """
        INSERT INTO sessions (user_id, problem_id, language, status, provider, created_at)
        SELECT $1, id, 'python', $2, $3, now() - make_interval(mins => $4) FROM problems ORDER BY slug LIMIT 1 RETURNING id""")
                .execute(Tuple.of(user, status, provider, minutesAgo)))
        .iterator()
        .next()
        .getUUID("id");
  }

  private static void fail(UUID session, FailureKind kind) {
    await(
        failures.record(
            new Detection(
                session, kind, System.currentTimeMillis(), new JsonObject().put("test", true))));
  }

  @Test
  @DisplayName("every console route is 401 without a token and 403 for a candidate")
  void adminOnly() {
    TestUser candidate = TestUser.signup(server);
    for (String path :
        List.of(
            "/api/admin/sessions",
            "/api/admin/analytics/summary",
            "/api/admin/settings",
            "/api/admin/saved-views",
            "/api/admin/api-keys",
            "/api/admin/analytics/patterns")) {
      assertThat(call(HttpMethod.GET, path, null, null).statusCode()).as(path).isEqualTo(401);
      assertThat(call(HttpMethod.GET, path, candidate.authorization(), null).statusCode())
          .as(path)
          .isEqualTo(403);
    }
    assertThat(
            call(
                    HttpMethod.PATCH,
                    "/api/admin/failures/1",
                    candidate.authorization(),
                    new JsonObject().put("status", "ack"))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  @DisplayName(
      "the session list filters by health, failures, provider and status, and pages by cursor without gaps or repeats")
  void sessionList() {
    UUID user = TestUser.signup(server).id();
    List<UUID> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mine.add(session(user, "gemini", "completed", 10 + i));
    }
    UUID failing = session(user, "openai", "errored", 3);
    fail(failing, FailureKind.PROVIDER_UNAVAILABLE);
    fail(failing, FailureKind.SESSION_ERRORED_REFUNDED);

    JsonObject filtered =
        get("/api/admin/sessions?hasFailures=true&healthMax=50&provider=openai&status=errored")
            .bodyAsJsonObject();
    assertThat(ids(filtered)).contains(failing.toString());
    JsonObject row = filtered.getJsonArray("items").getJsonObject(0);
    assertThat(row.getInteger("health")).isEqualTo(40);
    assertThat(row.getInteger("failures")).isEqualTo(2);
    assertThat(ids(get("/api/admin/sessions?hasFailures=false&provider=openai").bodyAsJsonObject()))
        .doesNotContain(failing.toString());
    assertThat(ids(get("/api/admin/sessions?healthMin=41").bodyAsJsonObject()))
        .doesNotContain(failing.toString());

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page =
          get("/api/admin/sessions?provider=gemini&limit=2"
                  + (cursor == null ? "" : "&cursor=" + cursor))
              .bodyAsJsonObject();
      assertThat(page.getJsonArray("items").size()).isLessThanOrEqualTo(2);
      seen.addAll(ids(page));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsAll(mine.stream().map(UUID::toString).toList());

    for (String bad :
        List.of(
            "?healthMin=101",
            "?hasFailures=yes",
            "?provider=acme",
            "?cursor=nonsense",
            "?from=yesterday",
            "?from=2026-12-02&to=2026-12-01",
            "?unknown=1",
            "?limit=0")) {
      HttpResponse<Buffer> refused = get("/api/admin/sessions" + bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
      assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
    }
  }

  @Test
  @DisplayName(
      "a session's detail has its transcript, events, failures and health breakdown; the failure workflow moves it open → ack → resolved")
  void detailAndWorkflow() {
    UUID user = TestUser.signup(server).id();
    UUID id = session(user, "openai", "completed", 1);
    await(
        server
            .db
            .pool()
            .preparedQuery(
                "INSERT INTO transcripts (session_id, item_id, role, text) VALUES ($1, 'i1', 'user', 'hello there')")
            .execute(Tuple.of(id)));
    fail(id, FailureKind.INTERVIEWER_SILENT);
    JsonObject detail = get("/api/admin/sessions/" + id).bodyAsJsonObject();
    assertThat(detail.getJsonArray("transcript").getJsonObject(0).getString("text"))
        .isEqualTo("hello there");
    assertThat(detail.getInteger("health")).isEqualTo(70);
    assertThat(
            detail
                .getJsonObject("healthBreakdown")
                .getJsonArray("deductions")
                .getJsonObject(0)
                .getString("kind"))
        .isEqualTo("interviewer_silent");
    JsonObject failure = detail.getJsonArray("failures").getJsonObject(0);
    assertThat(failure.getString("status")).isEqualTo("open");
    String path = "/api/admin/failures/" + failure.getLong("id");
    HttpResponse<Buffer> acked =
        call(HttpMethod.PATCH, path, admin.authorization(), new JsonObject().put("status", "ack"));
    assertThat(acked.statusCode()).isEqualTo(200);
    assertThat(acked.bodyAsJsonObject().getString("status")).isEqualTo("ack");
    assertThat(
            call(
                    HttpMethod.PATCH,
                    path,
                    admin.authorization(),
                    new JsonObject().put("status", "resolved"))
                .bodyAsJsonObject()
                .getString("status"))
        .isEqualTo("resolved");
    assertThat(
            call(
                    HttpMethod.PATCH,
                    path,
                    admin.authorization(),
                    new JsonObject().put("status", "closed"))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            call(
                    HttpMethod.PATCH,
                    "/api/admin/failures/999999999",
                    admin.authorization(),
                    new JsonObject().put("status", "ack"))
                .statusCode())
        .isEqualTo(404);
    assertThat(get("/api/admin/sessions/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    assertThat(get("/api/admin/sessions/not-a-uuid").statusCode()).isEqualTo(404);
    // resolving closes the work, not the fact: the health still counts the failure
    assertThat(get("/api/admin/sessions/" + id).bodyAsJsonObject().getInteger("health"))
        .isEqualTo(70);

    // an account that asked to be deleted is not shown to operators (the app_console policy)
    await(
        server
            .db
            .pool()
            .preparedQuery("UPDATE users SET deleted_at = now() WHERE id = $1")
            .execute(Tuple.of(user)));
    assertThat(get("/api/admin/sessions/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "analytics: the summary's rates and provider mix, failures per day and kind, and the patterns' problems and providers")
  void analytics() {
    UUID user = TestUser.signup(server).id();
    // from now on: what earlier tests recorded stays out of the range
    String from = java.time.Instant.now().toString();
    sleep(20);
    UUID a = session(user, "openai", "completed", 0);
    UUID b = session(user, "openai", "errored", 0);
    session(user, "gemini", "completed", 0);
    fail(a, FailureKind.SANDBOX_UNAVAILABLE);
    fail(b, FailureKind.SANDBOX_UNAVAILABLE);
    fail(b, FailureKind.PROVIDER_UNAVAILABLE);
    String range = "?from=" + from;
    JsonObject summary = get("/api/admin/analytics/summary" + range).bodyAsJsonObject();
    assertThat(summary.getLong("sessions")).isEqualTo(3);
    assertThat(summary.getDouble("completionRate")).isEqualTo(0.6667);
    assertThat(summary.getDouble("failureRate")).isEqualTo(0.6667);
    assertThat(summary.getJsonArray("providerMix").getJsonObject(0).getString("provider"))
        .isEqualTo("openai");
    assertThat(summary.getJsonObject("failures").getLong("total")).isEqualTo(3);

    JsonArray days =
        get("/api/admin/analytics/failures/trends" + range).bodyAsJsonObject().getJsonArray("days");
    assertThat(days).hasSize(1);
    assertThat(days.getJsonObject(0).getJsonObject("byKind").getLong("sandbox_unavailable"))
        .isEqualTo(2);

    JsonObject top =
        get("/api/admin/analytics/patterns" + range)
            .bodyAsJsonObject()
            .getJsonArray("patterns")
            .getJsonObject(0);
    assertThat(top.getString("kind")).isEqualTo("sandbox_unavailable");
    assertThat(top.getLong("failures")).isEqualTo(2);
    assertThat(top.getJsonArray("providers").getJsonObject(0).getString("provider"))
        .isEqualTo("openai");
    assertThat(top.getJsonArray("problems").getJsonObject(0).getString("slug")).isNotBlank();
    assertThat(get("/api/admin/analytics/patterns?top=0").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName(
      "settings: a bad webhook URL is a 400 problem naming the field; the URL is never read back, only that one is set and its host")
  void settings() {
    JsonObject good =
        new JsonObject()
            .put("slackWebhookUrl", "http://127.0.0.1:9/services/T/B/X")
            .put("failureRatePercent", 25)
            .put("healthBelow", 60);
    HttpResponse<Buffer> saved =
        call(HttpMethod.PUT, "/api/admin/settings", admin.authorization(), good);
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);
    assertThat(saved.bodyAsString()).doesNotContain("/services/T/B/X");
    JsonObject read = get("/api/admin/settings").bodyAsJsonObject();
    assertThat(read.getBoolean("slackWebhookConfigured")).isTrue();
    assertThat(read.getString("slackWebhookHost")).isEqualTo("127.0.0.1");
    assertThat(read.getInteger("healthBelow")).isEqualTo(60);
    assertThat(read.getDouble("failureRateThreshold")).isEqualTo(0.25);
    for (JsonObject bad :
        List.of(
            good.copy().put("slackWebhookUrl", "ftp://hooks.slack.com/services/x"),
            good.copy().put("slackWebhookUrl", "not a url"),
            good.copy().put("healthBelow", 0),
            good.copy().remove("failureRatePercent") == null
                ? good
                : new JsonObject().put("healthBelow", 50))) {
      HttpResponse<Buffer> refused =
          call(HttpMethod.PUT, "/api/admin/settings", admin.authorization(), bad);
      assertThat(refused.statusCode()).as(bad.encode()).isEqualTo(400);
      assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
    }
    // leaving the URL out keeps it; null removes it
    call(
        HttpMethod.PUT,
        "/api/admin/settings",
        admin.authorization(),
        new JsonObject().put("failureRatePercent", 20).put("healthBelow", 50));
    assertThat(get("/api/admin/settings").bodyAsJsonObject().getBoolean("slackWebhookConfigured"))
        .isTrue();
    call(
        HttpMethod.PUT,
        "/api/admin/settings",
        admin.authorization(),
        new JsonObject()
            .putNull("slackWebhookUrl")
            .put("failureRatePercent", 20)
            .put("healthBelow", 50));
    assertThat(get("/api/admin/settings").bodyAsJsonObject().getBoolean("slackWebhookConfigured"))
        .isFalse();
  }

  @Test
  @DisplayName("in production only https://hooks.slack.com/services/... is a webhook")
  void productionWebhooks() {
    assertThat(SlackWebhookUrl.check("https://hooks.slack.com/services/T1/B1/xyz", true))
        .isNotNull();
    for (String bad :
        List.of(
            "http://hooks.slack.com/services/T1/B1/xyz",
            "https://hooks.slack.com.evil.example/services/x",
            "https://evil.example/services/T1",
            "https://hooks.slack.com/other",
            "https://user@hooks.slack.com/services/x",
            "https://hooks.slack.com:8443/services/x",
            "http://127.0.0.1/services/x")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> SlackWebhookUrl.check(bad, true))
          .as(bad)
          .isInstanceOf(com.interviewroom.common.http.ApiException.class);
    }
  }

  @Test
  @DisplayName(
      "saved views: POST under an existing name is the same view (201 then 200), PUT replaces, DELETE twice is 204 twice, other operators never see them")
  void savedViews() {
    JsonObject view =
        new JsonObject()
            .put("name", "Errored OpenAI")
            .put("filters", new JsonObject().put("provider", "openai").put("status", "errored"));
    HttpResponse<Buffer> first =
        call(HttpMethod.POST, "/api/admin/saved-views", admin.authorization(), view);
    assertThat(first.statusCode()).isEqualTo(201);
    HttpResponse<Buffer> again =
        call(HttpMethod.POST, "/api/admin/saved-views", admin.authorization(), view);
    assertThat(again.statusCode()).isEqualTo(200);
    String id = first.bodyAsJsonObject().getString("id");
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(id);
    assertThat(get("/api/admin/saved-views").bodyAsJsonObject().getJsonArray("items")).hasSize(1);

    JsonObject renamed =
        new JsonObject()
            .put("name", "Low health")
            .put("filters", new JsonObject().put("healthMax", 50));
    HttpResponse<Buffer> put =
        call(HttpMethod.PUT, "/api/admin/saved-views/" + id, admin.authorization(), renamed);
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.bodyAsJsonObject().getJsonObject("filters").getInteger("healthMax"))
        .isEqualTo(50);

    assertThat(
            call(
                    HttpMethod.POST,
                    "/api/admin/saved-views",
                    admin.authorization(),
                    new JsonObject()
                        .put("name", "x")
                        .put("filters", new JsonObject().put("healthMax", 500)))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            call(
                    HttpMethod.POST,
                    "/api/admin/saved-views",
                    admin.authorization(),
                    new JsonObject()
                        .put("name", "x")
                        .put("filters", new JsonObject().put("colour", "red")))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            call(
                    HttpMethod.POST,
                    "/api/admin/saved-views",
                    admin.authorization(),
                    new JsonObject().put("name", "x").putNull("filters"))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            call(
                    HttpMethod.POST,
                    "/api/admin/saved-views",
                    admin.authorization(),
                    new JsonObject().put("name", "x").put("filters", "provider=openai"))
                .statusCode())
        .isEqualTo(400);

    // another operator neither sees nor changes it
    String other = "console2-" + UUID.randomUUID() + "@example.com";
    await(
        com.interviewroom.schema.admin.AdminRepository.grant(
            server.db.pool(), signupEmail(other), "test"));
    TestUser second = login(other);
    assertThat(
            call(HttpMethod.GET, "/api/admin/saved-views", second.authorization(), null)
                .bodyAsJsonObject()
                .getJsonArray("items"))
        .isEmpty();
    assertThat(
            call(HttpMethod.PUT, "/api/admin/saved-views/" + id, second.authorization(), renamed)
                .statusCode())
        .isEqualTo(404);
    assertThat(
            call(HttpMethod.DELETE, "/api/admin/saved-views/" + id, second.authorization(), null)
                .statusCode())
        .isEqualTo(204);
    assertThat(get("/api/admin/saved-views").bodyAsJsonObject().getJsonArray("items")).hasSize(1);

    assertThat(
            call(HttpMethod.DELETE, "/api/admin/saved-views/" + id, admin.authorization(), null)
                .statusCode())
        .isEqualTo(204);
    assertThat(
            call(HttpMethod.DELETE, "/api/admin/saved-views/" + id, admin.authorization(), null)
                .statusCode())
        .isEqualTo(204);
    assertThat(get("/api/admin/saved-views").bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName(
      "API keys: shown once, stored as an HMAC only, read the analytics routes and nothing else; unknown, revoked and malformed keys are 401")
  void apiKeys() {
    HttpResponse<Buffer> created =
        call(
            HttpMethod.POST,
            "/api/admin/api-keys",
            admin.authorization(),
            new JsonObject().put("name", "BI export"));
    assertThat(created.statusCode()).isEqualTo(201);
    String key = created.bodyAsJsonObject().getString("key");
    assertThat(key).matches("irk_[A-Za-z0-9]{12}\\.[A-Za-z0-9_-]{43}");
    String prefix = key.substring(0, 16);
    JsonArray listed = get("/api/admin/api-keys").bodyAsJsonObject().getJsonArray("items");
    assertThat(listed.encode()).contains(prefix).doesNotContain(key.substring(17));
    Row stored =
        await(
                server
                    .db
                    .pool()
                    .preparedQuery("SELECT key_hash, last_used_at FROM api_keys WHERE prefix = $1")
                    .execute(Tuple.of(prefix)))
            .iterator()
            .next();
    assertThat(stored.getBuffer("key_hash").length()).isEqualTo(32);
    assertThat(stored.getBuffer("key_hash").toString()).doesNotContain(key.substring(17));
    assertThat(stored.getOffsetDateTime("last_used_at")).isNull();

    String bearer = "Bearer " + key;
    HttpResponse<Buffer> read = call(HttpMethod.GET, "/api/admin/analytics/summary", bearer, null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.getHeader("X-RateLimit-Limit"))
        .as("a key has its own rate limit")
        .isEqualTo("60");
    assertThat(
            call(HttpMethod.GET, "/api/admin/analytics/failures/trends", bearer, null).statusCode())
        .isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/api/admin/sessions", bearer, null).statusCode())
        .isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/api/admin/costs", bearer, null).statusCode()).isEqualTo(403);
    assertThat(
            call(
                    HttpMethod.POST,
                    "/api/admin/api-keys",
                    bearer,
                    new JsonObject().put("name", "self"))
                .statusCode())
        .isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/api/me", bearer, null).statusCode()).isEqualTo(401);
    Row used =
        await(
                server
                    .db
                    .pool()
                    .preparedQuery("SELECT last_used_at FROM api_keys WHERE prefix = $1")
                    .execute(Tuple.of(prefix)))
            .iterator()
            .next();
    assertThat(used.getOffsetDateTime("last_used_at")).isNotNull();
    // within the minute, further use writes nothing
    assertThat(call(HttpMethod.GET, "/api/admin/analytics/patterns", bearer, null).statusCode())
        .isEqualTo(200);
    sleep(200);
    Row again =
        await(
                server
                    .db
                    .pool()
                    .preparedQuery("SELECT last_used_at FROM api_keys WHERE prefix = $1")
                    .execute(Tuple.of(prefix)))
            .iterator()
            .next();
    assertThat(again.getOffsetDateTime("last_used_at"))
        .isEqualTo(used.getOffsetDateTime("last_used_at"));

    String wrongSecret = prefix + "." + "A".repeat(43);
    String unknown = "irk_ZZZZZZZZZZZZ." + key.substring(17);
    for (String bad : List.of(wrongSecret, unknown, "irk_short.secret", key + "x")) {
      assertThat(
              call(HttpMethod.GET, "/api/admin/analytics/summary", "Bearer " + bad, null)
                  .statusCode())
          .as(bad)
          .isEqualTo(401);
    }
    String id =
        listed.stream()
            .map(o -> (JsonObject) o)
            .filter(o -> prefix.equals(o.getString("prefix")))
            .findFirst()
            .orElseThrow()
            .getString("id");
    assertThat(
            call(HttpMethod.DELETE, "/api/admin/api-keys/" + id, admin.authorization(), null)
                .bodyAsJsonObject()
                .getBoolean("revoked"))
        .isTrue();
    assertThat(call(HttpMethod.GET, "/api/admin/analytics/summary", bearer, null).statusCode())
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "every presented key takes one path: one prefix lookup and one constant-time compare, known or not, revoked or not, allowed or not")
  void oneCodePath() {
    byte[] pepper = new byte[32];
    List<String> looked = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.interviewroom.schema.console.ApiKeyStore keys =
        new com.interviewroom.schema.console.ApiKeyStore(server.db);
    ApiKeyAuth auth =
        new ApiKeyAuth(
            keys,
            prefix -> {
              looked.add(prefix);
              return keys.byPrefix(prefix);
            },
            pepper);
    ApiKeyAuth.Minted live = auth.mint();
    ApiKeyAuth.Minted revoked = auth.mint();
    await(keys.insert(live.prefix(), live.hash(), "live", null));
    String revokedId =
        await(keys.insert(revoked.prefix(), revoked.hash(), "revoked", null)).getString("id");
    await(keys.revoke(UUID.fromString(revokedId)));
    List<String> presented =
        List.of(
            live.token(),
            revoked.token(),
            auth.mint().token(),
            "irk_bad",
            live.prefix() + ".wrong");
    for (String token : presented) {
      long before = auth.comparisons();
      int lookups = looked.size();
      ApiKeyAuth.Verdict verdict = await(auth.check(token));
      assertThat(auth.comparisons() - before).as(token).isEqualTo(1);
      assertThat(looked.size() - lookups).as(token).isEqualTo(1);
      assertThat(verdict.valid()).as(token).isEqualTo(token.equals(live.token()));
    }
  }

  @Test
  @DisplayName(
      "the console's database role reads what the console shows and nothing else: no password hashes, code, key hashes, payments or writes")
  void consoleRoleIsNarrow() {
    for (String sql :
        List.of(
            "SELECT password_hash FROM users LIMIT 1",
            "SELECT email FROM users LIMIT 1",
            "SELECT code FROM code_snapshots LIMIT 1",
            "SELECT key_hash FROM api_keys LIMIT 1",
            "SELECT * FROM payments LIMIT 1",
            "SELECT usage FROM sessions LIMIT 1",
            "SELECT text FROM alert_deliveries LIMIT 1")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> await(server.db.asConsole(null, conn -> conn.query(sql).execute())))
          .as(sql)
          .rootCause()
          .hasMessageContaining("permission denied");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                await(
                    server.db.asConsole(
                        null,
                        conn -> conn.query("UPDATE failures SET status = 'resolved'").execute())))
        .rootCause()
        .isInstanceOf(io.vertx.pgclient.PgException.class);
    assertThat(
            await(
                    server.db.asConsole(
                        null,
                        conn ->
                            conn.query("SELECT id, status, provider FROM sessions LIMIT 1")
                                .execute()))
                .size())
        .isLessThanOrEqualTo(1);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> ids(JsonObject page) {
    List<String> out = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> out.add(((JsonObject) o).getString("id")));
    return out;
  }

  private static String signupEmail(String email) {
    HttpResponse<Buffer> r =
        await(
            server
                .client
                .post("/api/auth/signup")
                .sendJsonObject(EdgeServer.credentials(email, "correct horse battery")));
    assertThat(r.statusCode()).isEqualTo(201);
    return email;
  }

  private static TestUser login(String email) {
    HttpResponse<Buffer> r =
        await(
            server
                .client
                .post("/api/auth/login")
                .sendJsonObject(
                    new JsonObject().put("email", email).put("password", "correct horse battery")));
    JsonObject body = r.bodyAsJsonObject();
    return new TestUser(
        server,
        UUID.fromString(body.getJsonObject("user").getString("id")),
        EdgeServer.bearer(body));
  }
}
