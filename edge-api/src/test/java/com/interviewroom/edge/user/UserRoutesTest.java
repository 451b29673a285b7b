package com.interviewroom.edge.user;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.edge.openapi.OpenApiContract;
import com.interviewroom.edge.retention.RetentionJob;
import com.interviewroom.edge.session.SessionService;
import com.interviewroom.edge.session.TestSessions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UserRoutesTest extends EdgeTest.WithProblemBank {
  private HttpResponse<Buffer> call(
      HttpMethod method, String path, JsonObject session, JsonObject body) {
    var request =
        server.client.request(method, path).putHeader("Authorization", EdgeServer.bearer(session));
    HttpResponse<Buffer> response =
        await(body == null ? request.send() : request.sendJsonObject(body));
    OpenApiContract.assertResponseMatches(method.name(), OpenApiContract.template(path), response);
    return response;
  }

  private static UUID id(JsonObject session) {
    return UUID.fromString(session.getJsonObject("user").getString("id"));
  }

  private long events(UUID userId, String kind) {
    return await(
        server.db.asService(
            sql ->
                sql.preparedQuery(
                        "SELECT count(*) AS n FROM events WHERE user_id = $1 AND kind = $2")
                    .execute(Tuple.of(userId, kind))
                    .map(rows -> rows.iterator().next().getLong("n"))));
  }

  @Test
  @DisplayName("the profile shows the caller's account with the 3 signup credits and the free tier")
  void readProfile() {
    JsonObject session = server.signup();
    HttpResponse<Buffer> response = call(HttpMethod.GET, "/api/users/profile", session, null);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject profile = response.bodyAsJsonObject();
    assertThat(profile.getString("id")).isEqualTo(id(session).toString());
    assertThat(profile.getString("email"))
        .isEqualTo(session.getJsonObject("user").getString("email"));
    assertThat(profile.getInteger("credits")).isEqualTo(3);
    assertThat(profile.getString("subscriptionTier")).isEqualTo("free");
    assertThat(profile.getJsonArray("targetCompanies")).isEmpty();
    assertThat(profile.getBoolean("onboardingCompleted")).isFalse();
  }

  @Test
  @DisplayName(
      "PATCH changes the self-service fields, returns the new profile and logs profile.updated with the request id")
  void patchProfile() {
    JsonObject session = server.signup();
    var request =
        server
            .client
            .patch("/api/users/profile")
            .putHeader("Authorization", EdgeServer.bearer(session))
            .putHeader("X-Request-Id", "req-patch-" + UUID.randomUUID());
    HttpResponse<Buffer> response =
        await(
            request.sendJsonObject(
                new JsonObject()
                    .put("displayName", "  Ada  ")
                    .put("experienceLevel", "senior")
                    .put("targetCompanies", new JsonArray().add("Acme").add("Globex"))
                    .put("onboardingCompleted", true)
                    .put("termsVersion", Legal.TERMS_VERSION)));
    OpenApiContract.assertResponseMatches("PATCH", "/api/users/profile", response);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject profile = response.bodyAsJsonObject();
    assertThat(profile.getString("displayName")).isEqualTo("Ada");
    assertThat(profile.getString("experienceLevel")).isEqualTo("senior");
    assertThat(profile.getJsonArray("targetCompanies").getList()).containsExactly("Acme", "Globex");
    assertThat(profile.getBoolean("onboardingCompleted")).isTrue();
    assertThat(profile.getString("termsVersion")).isEqualTo(Legal.TERMS_VERSION);
    assertThat(profile.getString("termsAcceptedAt")).isNotBlank();
    JsonObject event =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery(
                            "SELECT request_id, payload::text AS payload FROM events WHERE user_id = $1 AND kind = 'profile.updated'")
                        .execute(Tuple.of(id(session)))
                        .map(rows -> rows.iterator().next().toJson())));
    assertThat(event.getString("request_id")).isEqualTo(response.getHeader("X-Request-Id"));
    assertThat(new JsonObject(event.getString("payload")).getJsonArray("fields").getList())
        .contains(
            "display_name",
            "experience_level",
            "target_companies",
            "onboarding_completed",
            "terms_version");
    assertThat(event.getString("payload")).doesNotContain("Ada");
  }

  @Test
  @DisplayName(
      "accepting terms other than the current ones is 400 terms_outdated, as at sign-up, and nothing changes")
  void patchRefusesOutdatedTerms() {
    JsonObject session = server.signup();
    String before =
        call(HttpMethod.GET, "/api/users/profile", session, null)
            .bodyAsJsonObject()
            .getString("termsAcceptedAt");
    for (JsonObject patch :
        List.of(
            new JsonObject().put("termsVersion", "2020-01-01"),
            new JsonObject()
                .put("displayName", "Ada")
                .put("termsVersion", Legal.TERMS_VERSION + "x"),
            new JsonObject()
                .put("termsVersion", "2020-01-01")
                .put("termsAcceptedAt", "2026-01-01T00:00:00Z"))) {
      HttpResponse<Buffer> response = call(HttpMethod.PATCH, "/api/users/profile", session, patch);
      OpenApiContract.assertResponseMatches("PATCH", "/api/users/profile", response);
      assertThat(response.statusCode()).as(patch.encode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("terms_outdated");
      assertThat(response.bodyAsJsonObject().getString("detail")).contains(Legal.TERMS_VERSION);
    }
    JsonObject profile =
        call(HttpMethod.GET, "/api/users/profile", session, null).bodyAsJsonObject();
    assertThat(profile.getString("termsVersion")).isEqualTo(Legal.TERMS_VERSION);
    assertThat(profile.getString("termsAcceptedAt")).isEqualTo(before);
    assertThat(profile.getString("displayName")).isNull();
    assertThat(events(id(session), "profile.updated")).isZero();
  }

  @Test
  @DisplayName(
      "credits, tier and any other field are refused as unknown fields and nothing changes")
  void patchRefusesOtherFields() {
    JsonObject session = server.signup();
    for (String field : List.of("credits", "subscriptionTier", "stripeCustomerId", "email", "id")) {
      HttpResponse<Buffer> response =
          call(
              HttpMethod.PATCH,
              "/api/users/profile",
              session,
              new JsonObject()
                  .put("displayName", "Mallory")
                  .put(field, field.equals("credits") ? 1000 : "enterprise"));
      assertThat(response.statusCode()).as(field).isEqualTo(400);
      JsonObject problem = response.bodyAsJsonObject();
      assertThat(problem.getString("code")).isEqualTo("validation_failed");
      assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("field"))
          .isEqualTo(field);
    }
    JsonObject profile =
        call(HttpMethod.GET, "/api/users/profile", session, null).bodyAsJsonObject();
    assertThat(profile.getInteger("credits")).isEqualTo(3);
    assertThat(profile.getString("subscriptionTier")).isEqualTo("free");
    assertThat(profile.getString("displayName")).isNull();
    assertThat(events(id(session), "profile.updated")).isZero();
  }

  @Test
  @DisplayName("bad values are listed field by field in one 400; an empty PATCH is a 400 too")
  void patchValidation() {
    JsonObject session = server.signup();
    HttpResponse<Buffer> response =
        call(
            HttpMethod.PATCH,
            "/api/users/profile",
            session,
            new JsonObject()
                .put("displayName", "x".repeat(101))
                .put("experienceLevel", "wizard")
                .put("targetCompanies", "Acme")
                .put("onboardingCompleted", "yes")
                .put("termsAcceptedAt", "yesterday")
                .put("termsVersion", "v1"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(
            response.bodyAsJsonObject().getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("field"))
                .toList())
        .containsExactlyInAnyOrder(
            "displayName",
            "experienceLevel",
            "targetCompanies",
            "onboardingCompleted",
            "termsAcceptedAt");
    HttpResponse<Buffer> empty =
        call(HttpMethod.PATCH, "/api/users/profile", session, new JsonObject());
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.bodyAsJsonObject().getString("code")).isEqualTo("empty_update");
  }

  @Test
  @DisplayName(
      "the export holds the caller's profile, sessions, transcripts, snapshots, evaluations, ledger, payments, subscription and events, and nobody else's")
  void export() {
    JsonObject session = server.signup();
    JsonObject other = server.signup();
    UUID sessionId = UserData.fill(server, id(session));
    UserData.fill(server, id(other));
    HttpResponse<Buffer> response = call(HttpMethod.GET, "/api/users/data-export", session, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject export = response.bodyAsJsonObject();
    assertThat(export.getJsonObject("user").getString("id")).isEqualTo(id(session).toString());
    assertThat(export.getJsonObject("user").containsKey("password_hash")).isFalse();
    assertThat(export.getJsonObject("profile").getInteger("credits")).isEqualTo(8);
    for (String list :
        List.of(
            "sessions",
            "transcripts",
            "codeSnapshots",
            "evaluations",
            "payments",
            "subscriptions",
            "identities")) {
      assertThat(export.getJsonArray(list)).as(list).hasSize(1);
    }
    assertThat(export.getJsonArray("sessions").getJsonObject(0).getString("id"))
        .isEqualTo(sessionId.toString());
    assertThat(export.getJsonArray("transcripts").getJsonObject(0).getString("text"))
        .isEqualTo("hello there");
    assertThat(export.getJsonArray("creditTransactions")).hasSize(2);
    assertThat(
            export.getJsonArray("events").stream()
                .map(e -> ((JsonObject) e).getString("kind"))
                .toList())
        .contains("session.ended", "user.data_exported");
    assertThat(export.encode()).doesNotContain(id(other).toString());
  }

  @Test
  @DisplayName(
      "the export lists the hashes of the tracked skills the caller sent (never the raw ids) and the caller's recordings (none here)")
  void exportListsTrackedSkillHashes() {
    JsonObject session = server.signup();
    String raw = "dynamic-programming-" + UUID.randomUUID();
    HttpResponse<Buffer> patched =
        await(
            server
                .client
                .patch("/api/users/profile")
                .putHeader("Authorization", EdgeServer.bearer(session))
                .putHeader(com.interviewroom.edge.web.TrackedSkill.HEADER, raw)
                .sendJsonObject(new JsonObject().put("displayName", "Tracker")));
    assertThat(patched.statusCode()).isEqualTo(200);
    JsonObject export =
        call(HttpMethod.GET, "/api/users/data-export", session, null).bodyAsJsonObject();
    List<Object> hashes = export.getJsonArray("trackedSkillHashes").getList();
    assertThat(hashes).hasSize(1);
    assertThat((String) hashes.get(0)).matches("[0-9a-f]{64}");
    assertThat(
            export.getJsonArray("events").stream()
                .map(e -> ((JsonObject) e).getString("tracked_skill_id_hash")))
        .contains((String) hashes.get(0));
    assertThat(export.encode()).doesNotContain(raw);
    assertThat(export.getJsonArray("recordings")).isEmpty();
  }

  @Test
  @DisplayName(
      "DELETE /api/users/data answers 204 and disables the account at once; past the restore window the retention job leaves no row of the caller in any table, others untouched")
  void deleteAllData() {
    JsonObject session = server.signup();
    JsonObject other = server.signup();
    UUID sessionId = UserData.fill(server, id(session));
    UUID otherSession = UserData.fill(server, id(other));
    Map<String, Long> before = UserData.rowsOf(server, id(session), List.of(sessionId));
    assertThat(before.values()).allMatch(n -> n > 0);

    var request =
        server
            .client
            .delete("/api/users/data")
            .putHeader("Authorization", EdgeServer.bearer(session))
            .putHeader("X-Request-Id", "req-delete-" + UUID.randomUUID());
    HttpResponse<Buffer> response = await(request.send());
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isNull();

    // a soft delete: the rows stay, the account is stamped, its refresh tokens are revoked
    assertThat(UserData.rowsOf(server, id(session), List.of(sessionId))).isEqualTo(before);
    assertThat(
            UserData.count(
                server,
                "SELECT count(*) AS n FROM users WHERE id = $1 AND deleted_at IS NOT NULL",
                id(session)))
        .isEqualTo(1);
    assertThat(
            UserData.count(
                server,
                "SELECT count(*) AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL",
                id(session)))
        .isZero();

    // past the restore window (backdated), the retention job purges the account and everything of
    // it
    UserData.backdateDeletion(
        server, id(session), server.context.config().retention().accountRestoreDays() + 1);
    Map<String, Long> otherBefore = UserData.rowsOf(server, id(other), List.of(otherSession));
    RetentionJob.Purged purged =
        await(
            new RetentionJob(
                    server.db,
                    null,
                    new SimpleMeterRegistry(),
                    server.context.config().retention(),
                    java.time.Clock.systemUTC())
                .run());
    assertThat(purged.accounts()).isEqualTo(1);
    Map<String, Long> after = UserData.rowsOf(server, id(session), List.of(sessionId));
    assertThat(after.keySet())
        .containsAll(
            List.of(
                "users",
                "profiles",
                "sessions",
                "transcripts",
                "code_snapshots",
                "evaluations",
                "credit_transactions",
                "payments",
                "subscriptions",
                "events",
                "refresh_tokens",
                "user_identities",
                "recordings"));
    assertThat(after).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
    assertThat(UserData.rowsOf(server, id(other), List.of(otherSession))).isEqualTo(otherBefore);

    Long anonymous =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery(
                            "SELECT count(*) AS n FROM events WHERE kind = 'user.data_deleted' AND user_id IS NULL AND request_id = $1")
                        .execute(Tuple.of(response.getHeader("X-Request-Id")))
                        .map(rows -> rows.iterator().next().getLong("n"))));
    assertThat(anonymous).isEqualTo(1);

    // the deleted account's token stops working at once (issue 21.11), on every route
    HttpResponse<Buffer> gone = call(HttpMethod.GET, "/api/users/profile", session, null);
    assertThat(gone.statusCode()).isEqualTo(401);
    assertThat(gone.bodyAsJsonObject().getString("code")).isEqualTo("token_revoked");
    assertThat(call(HttpMethod.DELETE, "/api/users/data", session, null).statusCode())
        .isEqualTo(401);
  }

  private List<String> redisKeysContaining(String needle) {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page =
          await(
              server.redis.send(
                  Request.cmd(Command.SCAN)
                      .arg(cursor)
                      .arg("MATCH")
                      .arg("*" + needle + "*")
                      .arg("COUNT")
                      .arg(1000)));
      cursor = page.get(0).toString();
      page.get(1).forEach(key -> keys.add(key.toString()));
    } while (!"0".equals(cursor));
    return keys;
  }

  @Test
  @DisplayName(
      "DELETE /api/users/data also removes the caller's Redis keys: rate-limit counters and their sessions' snapshot windows")
  void deleteForgetsRedisKeys() {
    TestUser user = TestUser.signup(server);
    TestUser other = TestUser.signup(server);
    UUID sessionId = user.start("two-sum");
    TestSessions.activate(server, sessionId);
    JsonObject auto =
        new JsonObject()
            .put("code", "x = 1")
            .put("language", "python")
            .put("snapshotType", "auto")
            .put("timestampMs", System.currentTimeMillis());
    assertThat(user.post("/api/sessions/" + sessionId + "/code", auto).statusCode()).isEqualTo(201);
    assertThat(other.get("/api/users/profile").statusCode()).isEqualTo(200);
    assertThat(redisKeysContaining(user.id().toString()))
        .contains("ratelimit:general:" + user.id(), "ratelimit:strict:" + user.id());
    assertThat(redisKeysContaining(sessionId.toString()))
        .contains(SessionService.autoSnapshotKey(sessionId));

    HttpResponse<Buffer> deleted =
        await(
            server
                .client
                .delete("/api/users/data")
                .putHeader("Authorization", user.authorization())
                .send());
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(redisKeysContaining(user.id().toString())).isEmpty();
    assertThat(redisKeysContaining(sessionId.toString())).isEmpty();
    assertThat(redisKeysContaining(other.id().toString()))
        .as("others keep theirs")
        .contains("ratelimit:general:" + other.id());
  }

  @Test
  @DisplayName("signup logs user.created for the new user with the request id")
  void signupLogsUserCreated() {
    String requestId = "req-signup-" + UUID.randomUUID();
    HttpResponse<Buffer> response =
        await(
            server
                .client
                .post("/api/auth/signup")
                .putHeader("X-Request-Id", requestId)
                .sendJsonObject(
                    EdgeServer.credentials(
                        "new-" + UUID.randomUUID() + "@example.com", "correct horse battery")));
    assertThat(response.statusCode()).isEqualTo(201);
    UUID userId =
        UUID.fromString(response.bodyAsJsonObject().getJsonObject("user").getString("id"));
    assertThat(events(userId, "user.created")).isEqualTo(1);
    String logged =
        await(
            server.db.asService(
                sql ->
                    sql.preparedQuery(
                            "SELECT request_id FROM events WHERE user_id = $1 AND kind = 'user.created'")
                        .execute(Tuple.of(userId))
                        .map(rows -> rows.iterator().next().getString("request_id"))));
    assertThat(logged).isEqualTo(requestId);
  }

  @Test
  @DisplayName("every user route refuses a request without a token with a 401 problem")
  void unauthenticated() {
    for (var route :
        List.of(
            Map.entry(HttpMethod.GET, "/api/users/profile"),
            Map.entry(HttpMethod.PATCH, "/api/users/profile"),
            Map.entry(HttpMethod.GET, "/api/users/data-export"),
            Map.entry(HttpMethod.DELETE, "/api/users/data"))) {
      HttpResponse<Buffer> response =
          await(server.client.request(route.getKey(), route.getValue()).send());
      assertThat(response.statusCode()).as(route.toString()).isEqualTo(401);
      OpenApiContract.assertResponseMatches(route.getKey().name(), route.getValue(), response);
    }
  }

  @Test
  @DisplayName(
      "with Redis down the deletion cannot revoke the tokens, so it answers 503 with Retry-After and deletes nothing")
  void deletionNeedsTheRevocation() {
    // port 1 on loopback refuses connections: a Redis that is down (the rate limits fail open)
    try (EdgeServer noRedis = EdgeServer.start(Map.of(), "redis://127.0.0.1:1")) {
      JsonObject session = noRedis.signup();
      HttpResponse<Buffer> response =
          await(
              noRedis
                  .client
                  .delete("/api/users/data")
                  .putHeader("Authorization", EdgeServer.bearer(session))
                  .send());
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("revocation_unavailable");
      assertThat(response.getHeader("Retry-After")).isEqualTo("5");
      OpenApiContract.assertResponseMatches("DELETE", "/api/users/data", response);
      UUID id = UUID.fromString(session.getJsonObject("user").getString("id"));
      Long users =
          await(
              noRedis.db.asService(
                  sql ->
                      sql.preparedQuery("SELECT count(*) AS n FROM users WHERE id = $1")
                          .execute(Tuple.of(id))
                          .map(rows -> rows.iterator().next().getLong("n"))));
      assertThat(users).isEqualTo(1);
    }
  }
}
