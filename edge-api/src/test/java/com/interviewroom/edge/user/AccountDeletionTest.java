package com.interviewroom.edge.user;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.auth.AuthRoutes;
import com.interviewroom.edge.retention.RetentionJob;
import com.interviewroom.edge.session.ControlChannel;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Account deletion is a soft delete (issue 17): disabled at once, restorable by logging in, purged
 * after the window.
 */
class AccountDeletionTest extends EdgeTest {
  private static final String PASSWORD = "correct horse battery";

  private record Account(UUID id, String email, String bearer, String refreshToken) {}

  private static Account signup() {
    String email = "del-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> response =
        await(
            server
                .client
                .post("/api/auth/signup")
                .sendJsonObject(EdgeServer.credentials(email, PASSWORD)));
    assertThat(response.statusCode()).isEqualTo(201);
    String cookie =
        response.cookies().stream()
            .filter(c -> c.startsWith(AuthRoutes.COOKIE + "="))
            .findFirst()
            .orElseThrow();
    JsonObject body = response.bodyAsJsonObject();
    return new Account(
        UUID.fromString(body.getJsonObject("user").getString("id")),
        email,
        EdgeServer.bearer(body),
        cookie.substring(AuthRoutes.COOKIE.length() + 1, cookie.indexOf(';')));
  }

  private static HttpResponse<Buffer> get(String path, String bearer) {
    return await(server.client.get(path).putHeader("Authorization", bearer).send());
  }

  private static void delete(Account account) throws InterruptedException {
    assertThat(
            await(
                    server
                        .client
                        .delete("/api/users/data")
                        .putHeader("Authorization", account.bearer())
                        .send())
                .statusCode())
        .isEqualTo(204);
  }

  private static HttpResponse<Buffer> login(Account account) {
    return await(
        server
            .client
            .post("/api/auth/login")
            .sendJsonObject(
                new JsonObject().put("email", account.email()).put("password", PASSWORD)));
  }

  private static HttpResponse<Buffer> refresh(String token) {
    return await(
        server
            .client
            .post("/api/auth/refresh")
            .putHeader("Cookie", AuthRoutes.COOKIE + "=" + token)
            .send());
  }

  private static RetentionJob.Purged retentionRun() {
    return await(
        new RetentionJob(
                server.db,
                null,
                new SimpleMeterRegistry(),
                server.context.config().retention(),
                Clock.systemUTC())
            .run());
  }

  @Test
  @DisplayName(
      "a deleted account's access and refresh tokens stop working at once; nothing of it is reachable")
  void tokensStopWorking() throws InterruptedException {
    Account account = signup();
    assertThat(get("/api/users/profile", account.bearer()).statusCode()).isEqualTo(200);
    delete(account);

    for (String path : List.of("/api/users/profile", "/api/users/data-export", "/api/sessions")) {
      HttpResponse<Buffer> refused = get(path, account.bearer());
      assertThat(refused.statusCode()).as(path).isEqualTo(401);
      assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("token_revoked");
    }
    HttpResponse<Buffer> refreshed = refresh(account.refreshToken());
    assertThat(refreshed.statusCode()).isEqualTo(401);
    assertThat(refreshed.bodyAsJsonObject().getString("code")).isEqualTo("refresh_invalid");
    // the email stays taken while the account can still be restored
    assertThat(
            await(
                    server
                        .client
                        .post("/api/auth/signup")
                        .sendJsonObject(EdgeServer.credentials(account.email(), PASSWORD)))
                .statusCode())
        .isEqualTo(409);
  }

  @Test
  @DisplayName(
      "logging in with the password within the restore window answers the normal sign-in and the account is active again, data intact")
  void loginRestores() throws InterruptedException {
    Account account = signup();
    UUID sessionId = UserData.fill(server, account.id());
    Map<String, Long> before = UserData.rowsOf(server, account.id(), List.of(sessionId));
    delete(account);
    // a day before the window closes
    UserData.backdateDeletion(
        server, account.id(), server.context.config().retention().accountRestoreDays() - 1);

    HttpResponse<Buffer> login = login(account);
    assertThat(login.statusCode()).as(login.bodyAsString()).isEqualTo(200);
    JsonObject body = login.bodyAsJsonObject();
    assertThat(body.getString("accessToken")).isNotBlank();
    assertThat(body.getJsonObject("user").getString("id")).isEqualTo(account.id().toString());
    assertThat(
            UserData.count(
                server,
                "SELECT count(*) AS n FROM users WHERE id = $1 AND deleted_at IS NULL",
                account.id()))
        .isEqualTo(1);

    HttpResponse<Buffer> profile = get("/api/users/profile", EdgeServer.bearer(body));
    assertThat(profile.statusCode()).as(profile.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> export = get("/api/users/data-export", EdgeServer.bearer(body));
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.bodyAsJsonObject().getJsonArray("sessions")).hasSize(1);
    // restored, so the retention job leaves it alone even long after the deletion
    assertThat(retentionRun().accounts()).isZero();
    Map<String, Long> after = UserData.rowsOf(server, account.id(), List.of(sessionId));
    after.forEach(
        (table, n) ->
            assertThat(n).as(table).isGreaterThanOrEqualTo(before.getOrDefault(table, 0L)));
  }

  @Test
  @DisplayName(
      "past the restore window a login is refused like an unknown email, and the retention job purges the account and nothing of others")
  void pastTheWindow() throws InterruptedException {
    Account gone = signup();
    Account kept = signup();
    Account waiting = signup();
    UUID goneSession = UserData.fill(server, gone.id());
    UUID keptSession = UserData.fill(server, kept.id());
    delete(gone);
    delete(waiting);
    int window = server.context.config().retention().accountRestoreDays();
    UserData.backdateDeletion(server, gone.id(), window + 1);
    UserData.backdateDeletion(server, waiting.id(), window - 1);

    HttpResponse<Buffer> login = login(gone);
    assertThat(login.statusCode()).isEqualTo(401);
    assertThat(login.bodyAsJsonObject().getString("code")).isEqualTo("invalid_credentials");

    Map<String, Long> keptBefore = UserData.rowsOf(server, kept.id(), List.of(keptSession));
    Map<String, Long> waitingBefore = UserData.rowsOf(server, waiting.id(), List.of());
    RetentionJob.Purged purged = retentionRun();
    assertThat(purged.accounts()).isEqualTo(1);
    assertThat(UserData.rowsOf(server, gone.id(), List.of(goneSession)))
        .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
    assertThat(UserData.rowsOf(server, kept.id(), List.of(keptSession))).isEqualTo(keptBefore);
    assertThat(UserData.rowsOf(server, waiting.id(), List.of()))
        .as("still within its window")
        .isEqualTo(waitingBefore);
    // the email is free again
    assertThat(
            await(
                    server
                        .client
                        .post("/api/auth/signup")
                        .sendJsonObject(EdgeServer.credentials(gone.email(), PASSWORD)))
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  @DisplayName(
      "deleting an account ends the sockets of its live sessions at once: the end signal reaches each one's control channel, wherever its node is; ended sessions get none")
  void liveSocketsAreEnded() throws InterruptedException {
    await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
    Account account = signup();
    UUID live = session(account.id(), "active");
    UUID waiting = session(account.id(), "scheduled");
    UUID ended = session(account.id(), "completed");
    try (ControlChannel liveChannel = new ControlChannel(server.vertx, live);
        ControlChannel waitingChannel = new ControlChannel(server.vertx, waiting);
        ControlChannel endedChannel = new ControlChannel(server.vertx, ended)) {
      delete(account);
      assertThat(liveChannel.waitFor(1))
          .containsExactly(new JsonObject().put("type", "end").put("reason", "account_deleted"));
      assertThat(waitingChannel.waitFor(1)).hasSize(1);
      assertThat(endedChannel.messages).isEmpty();
    }
  }

  private static UUID session(UUID userId, String status) {
    return await(
        server.db.asService(
            sql ->
                sql.preparedQuery(
                        """
            INSERT INTO sessions (user_id, problem_id, language, status)
            SELECT $1, id, 'python', $2 FROM problems ORDER BY slug LIMIT 1 RETURNING id""")
                    .execute(io.vertx.sqlclient.Tuple.of(userId, status))
                    .map(rows -> rows.iterator().next().getUUID("id"))));
  }

  @Test
  @DisplayName("GET /api/legal states both windows, as configured, for the privacy page")
  void legalStatesTheWindows() {
    HttpResponse<Buffer> legal = await(server.client.get("/api/legal").send());
    assertThat(legal.statusCode()).isEqualTo(200);
    assertThat(legal.bodyAsJsonObject().getInteger("retentionDays")).isEqualTo(90);
    assertThat(legal.bodyAsJsonObject().getInteger("accountRestoreDays")).isEqualTo(30);
    com.interviewroom.edge.openapi.OpenApiContract.assertResponseMatches(
        "GET", "/api/legal", legal);
    assertThat(legal.bodyAsJsonObject().getInteger("recordingRetentionDays")).isEqualTo(30);
    assertThat(legal.bodyAsJsonObject().getBoolean("recordingEnabled")).isTrue();
    try (EdgeServer shorter =
        EdgeServer.start(
            Map.of(
                "RETENTION_DAYS",
                "60",
                "ACCOUNT_RESTORE_DAYS",
                "7",
                "RECORDING_RETENTION_DAYS",
                "14",
                "RECORDING_ENABLED",
                "false"))) {
      JsonObject body = await(shorter.client.get("/api/legal").send()).bodyAsJsonObject();
      assertThat(body.getInteger("retentionDays")).isEqualTo(60);
      assertThat(body.getInteger("accountRestoreDays")).isEqualTo(7);
      assertThat(body.getInteger("recordingRetentionDays")).isEqualTo(14);
      assertThat(body.getBoolean("recordingEnabled")).isFalse();
    }
  }
}
