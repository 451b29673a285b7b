package com.interviewroom.edge.admin;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.common.cost.Kinds;
import com.interviewroom.common.cost.Metered;
import com.interviewroom.common.cost.PriceTable;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.openapi.OpenApiContract;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import com.interviewroom.schema.admin.AdminRepository;
import com.interviewroom.schema.cost.CostLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The admin role over the real edge: {@code ADMIN_EMAILS} and the owner-only {@code admins} table
 * grant it, {@code /api/admin/costs} checks it on every call, no API path or application role can
 * grant it, and the reporting role reads costs but no candidate data.
 */
class AdminAccessTest {
  private static final String CONFIGURED_ADMIN = "ops-" + UUID.randomUUID() + "@example.com";
  private static EdgeServer server;

  @BeforeAll
  static void start() {
    server =
        EdgeServer.start(
            Map.of(
                "ADMIN_EMAILS",
                "someone-else@example.com, " + CONFIGURED_ADMIN.toUpperCase(),
                "BUDGET_DAILY_USD_OPENAI",
                "0.05"));
    await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static TestUser signup(String email) {
    HttpResponse<Buffer> response =
        await(
            server
                .client
                .post("/api/auth/signup")
                .sendJsonObject(EdgeServer.credentials(email, "correct horse battery")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    JsonObject session = response.bodyAsJsonObject();
    return new TestUser(
        server,
        UUID.fromString(session.getJsonObject("user").getString("id")),
        EdgeServer.bearer(session));
  }

  private static HttpResponse<Buffer> costs(String authorization, String query) {
    var request = server.client.request(HttpMethod.GET, "/api/admin/costs" + query);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    HttpResponse<Buffer> response = await(request.send());
    OpenApiContract.assertResponseMatches("GET", "/api/admin/costs", response);
    return response;
  }

  @Test
  @DisplayName(
      "no token is 401, a signed-in candidate 403, an address in ADMIN_EMAILS (any letter case) 200")
  void theRoleIsChecked() {
    assertThat(costs(null, "").statusCode()).isEqualTo(401);
    assertThat(costs("Bearer nonsense.token.here", "").statusCode()).isEqualTo(401);
    TestUser candidate = TestUser.signup(server);
    HttpResponse<Buffer> refused = costs(candidate.authorization(), "");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("forbidden");
    assertThat(costs(signup(CONFIGURED_ADMIN).authorization(), "").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "the admin command's grant (the owner's connection) opens the route, a revoke closes it on the next request")
  void grantAndRevoke() {
    String email = "granted-" + UUID.randomUUID() + "@example.com";
    TestUser user = signup(email);
    assertThat(costs(user.authorization(), "").statusCode()).isEqualTo(403);
    assertThat(await(AdminRepository.grant(server.db.pool(), email.toUpperCase(), "test")))
        .isEqualTo(AdminRepository.Change.CHANGED);
    assertThat(await(AdminRepository.grant(server.db.pool(), email, "test")))
        .isEqualTo(AdminRepository.Change.UNCHANGED);
    assertThat(costs(user.authorization(), "").statusCode()).isEqualTo(200);
    assertThat(await(AdminRepository.revoke(server.db.pool(), email)))
        .isEqualTo(AdminRepository.Change.CHANGED);
    assertThat(costs(user.authorization(), "").statusCode()).isEqualTo(403);
    assertThat(
            await(
                AdminRepository.grant(
                    server.db.pool(), "nobody-" + UUID.randomUUID() + "@example.com", "test")))
        .isEqualTo(AdminRepository.Change.NO_SUCH_USER);
  }

  @Test
  @DisplayName(
      "the API cannot grant admin: a profile PATCH naming a role is refused, and neither application role may write the admins table")
  void theApiCannotGrantAdmin() {
    TestUser user = TestUser.signup(server);
    for (JsonObject attempt :
        new JsonObject[] {
          new JsonObject().put("role", "admin"),
          new JsonObject().put("admin", true),
          new JsonObject().put("displayName", "x").put("isAdmin", true)
        }) {
      HttpResponse<Buffer> response =
          await(
              server
                  .client
                  .patch("/api/users/profile")
                  .putHeader("Authorization", user.authorization())
                  .sendJsonObject(attempt));
      assertThat(response.statusCode()).as(attempt.encode()).isEqualTo(400);
    }
    assertThat(costs(user.authorization(), "").statusCode()).isEqualTo(403);

    assertThatThrownBy(
            () ->
                await(
                    server.db.asService(
                        conn ->
                            conn.preparedQuery(
                                    "INSERT INTO admins (user_id, granted_by) VALUES ($1, 'api')")
                                .execute(Tuple.of(user.id())))))
        .rootCause()
        .isInstanceOf(PgException.class)
        .hasMessageContaining("permission denied");
    assertThatThrownBy(
            () ->
                await(
                    server.db.asUser(
                        user.id(),
                        conn ->
                            conn.preparedQuery(
                                    "INSERT INTO admins (user_id, granted_by) VALUES ($1, 'api')")
                                .execute(Tuple.of(user.id())))))
        .rootCause()
        .isInstanceOf(PgException.class)
        .hasMessageContaining("permission denied");
    assertThatThrownBy(
            () ->
                await(
                    server.db.asReporting(
                        conn ->
                            conn.preparedQuery(
                                    "INSERT INTO admins (user_id, granted_by) VALUES ($1, 'api')")
                                .execute(Tuple.of(user.id())))))
        .rootCause()
        .isInstanceOf(PgException.class);
    assertThat(costs(user.authorization(), "").statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName(
      "the reporting role reads costs and admins, and neither candidate data nor any write")
  void reportingRoleIsReadOnlyAndNarrow() {
    TestUser user = TestUser.signup(server);
    assertThat(
            await(server.db.asReporting(conn -> conn.query("SELECT count(*) FROM costs").execute()))
                .size())
        .isEqualTo(1);
    for (String table :
        new String[] {
          "users",
          "profiles",
          "sessions",
          "transcripts",
          "code_snapshots",
          "evaluations",
          "payments"
        }) {
      assertThatThrownBy(
              () ->
                  await(
                      server.db.asReporting(
                          conn -> conn.query("SELECT * FROM " + table + " LIMIT 1").execute())))
          .as(table)
          .rootCause()
          .hasMessageContaining("permission denied");
    }
    assertThatThrownBy(
            () ->
                await(
                    server.db.asReporting(
                        conn ->
                            conn.query(
                                    "INSERT INTO costs (day, provider, kind, quantity, usd, entries) VALUES (current_date, 'openai', 'text_in', 1, 1, 1)")
                                .execute())))
        .rootCause()
        .isInstanceOf(PgException.class);
    assertThatThrownBy(
            () ->
                await(
                    server.db.asUser(
                        user.id(), conn -> conn.query("SELECT * FROM costs").execute())))
        .rootCause()
        .hasMessageContaining("permission denied");
  }

  @Test
  @DisplayName(
      "GET /api/admin/costs gives each day's providers and kinds as recorded, the range's totals, today's budgets, and refuses a bad range")
  void costsByDayAndProvider() {
    TestUser admin = signup("costs-" + UUID.randomUUID() + "@example.com");
    await(AdminRepository.grant(server.db.pool(), emailOf(admin), "test"));
    CostLedger ledger =
        new CostLedger(
            server.db, PriceTable.builtIn(), new SimpleMeterRegistry(), Clock.systemUTC());
    String run = UUID.randomUUID().toString();
    // gpt-realtime: audio in $32/M, audio out $64/M; claude-haiku-4-5: input $1/M, output $5/M
    await(
        ledger.record(
            run + ":a",
            null,
            Metered.ofCounts(
                "openai", "gpt-realtime", Map.of(Kinds.AUDIO_IN, 1_000L, Kinds.AUDIO_OUT, 500L))));
    await(
        ledger.record(
            run + ":a",
            null,
            Metered.ofCounts(
                "openai", "gpt-realtime", Map.of(Kinds.AUDIO_IN, 1_000L, Kinds.AUDIO_OUT, 500L))));
    await(
        ledger.record(
            run + ":b",
            null,
            Metered.ofCounts(
                "anthropic", "claude-haiku-4-5", Map.of(Kinds.INPUT, 2_000L, Kinds.OUTPUT, 100L))));

    JsonObject body = costs(admin.authorization(), "").bodyAsJsonObject();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertThat(body.getString("to")).isEqualTo(today);
    assertThat(body.getString("from"))
        .isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(29).toString());
    JsonObject day =
        (JsonObject)
            body.getJsonArray("days").stream()
                .filter(d -> today.equals(((JsonObject) d).getString("day")))
                .findFirst()
                .orElseThrow();
    JsonObject openai = provider(day, "openai");
    assertThat(openai.getString("usd"))
        .isEqualTo("0.064"); // 0.032 + 0.032, the duplicate not counted
    JsonObject audioIn = kind(openai, Kinds.AUDIO_IN);
    assertThat(audioIn.getString("quantity")).isEqualTo("1000");
    assertThat(audioIn.getLong("entries")).isEqualTo(1L);
    assertThat(provider(day, "anthropic").getString("usd")).isEqualTo("0.0025");
    assertThat(body.getJsonArray("budgets")).hasSize(1);
    JsonObject budget = body.getJsonArray("budgets").getJsonObject(0);
    assertThat(budget.getString("provider")).isEqualTo("openai");
    assertThat(budget.getString("dailyUsd")).isEqualTo("0.05");
    assertThat(budget.getBoolean("reached")).isTrue();

    assertThat(costs(admin.authorization(), "?from=2026-02-30").statusCode()).isEqualTo(400);
    assertThat(costs(admin.authorization(), "?from=2026-12-02&to=2026-12-01").statusCode())
        .isEqualTo(400);
    assertThat(costs(admin.authorization(), "?from=2020-01-01&to=2026-01-01").statusCode())
        .isEqualTo(400);
    assertThat(costs(admin.authorization(), "?provider=openai").statusCode()).isEqualTo(400);
    JsonObject empty =
        costs(admin.authorization(), "?from=2001-01-01&to=2001-01-31").bodyAsJsonObject();
    assertThat(empty.getJsonArray("days")).isEmpty();
    assertThat(empty.getJsonArray("totals")).isEmpty();
  }

  private static String emailOf(TestUser user) {
    return user.serviceQuery(
        "SELECT email FROM users WHERE id = $1",
        Tuple.of(user.id()),
        rows -> rows.iterator().next().getString("email"));
  }

  private static JsonObject provider(JsonObject day, String name) {
    JsonArray providers = day.getJsonArray("providers");
    return (JsonObject)
        providers.stream()
            .filter(p -> name.equals(((JsonObject) p).getString("provider")))
            .findFirst()
            .orElseThrow();
  }

  private static JsonObject kind(JsonObject provider, String name) {
    return (JsonObject)
        provider.getJsonArray("kinds").stream()
            .filter(k -> name.equals(((JsonObject) k).getString("kind")))
            .findFirst()
            .orElseThrow();
  }
}
