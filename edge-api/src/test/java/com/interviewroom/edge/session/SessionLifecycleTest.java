package com.interviewroom.edge.session;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.edge.EdgeTest;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.web.SessionProblems;
import com.interviewroom.session.SessionSweeper;
import com.interviewroom.session.signal.SessionEnds;
import com.interviewroom.session.store.SessionTransitionStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionLifecycleTest extends EdgeTest.WithProblemBank {
  private static String status(TestUser user, UUID sessionId) {
    return user.serviceQuery(
        "SELECT status FROM sessions WHERE id = $1",
        Tuple.of(sessionId),
        rows -> rows.iterator().next().getString("status"));
  }

  private static int count(TestUser user, String sql, UUID sessionId) {
    return user.serviceQuery(
        sql, Tuple.of(sessionId), rows -> rows.iterator().next().getInteger("n"));
  }

  /**
   * The failure of {@code future} as the problem the edge answers with (the test fails if it
   * succeeded).
   */
  private static ApiException failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      ApiException problem = SessionProblems.of(e.getCause());
      return problem != null ? problem : (ApiException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  private static boolean streamHas(String type, UUID sessionId) {
    return streamCount(type, sessionId) > 0;
  }

  private static int streamCount(String type, UUID sessionId) {
    int found = 0;
    Response entries =
        await(
            server.redis.send(
                Request.cmd(Command.XREVRANGE)
                    .arg(EventStream.STREAM)
                    .arg("+")
                    .arg("-")
                    .arg("COUNT")
                    .arg(1000)));
    for (Response entry : entries) {
      Response fields = entry.get(1);
      String entryType = null;
      String entrySession = null;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        switch (fields.get(i).toString()) {
          case "type" -> entryType = fields.get(i + 1).toString();
          case "sessionId" -> entrySession = fields.get(i + 1).toString();
          default -> {}
        }
      }
      if (type.equals(entryType) && sessionId.toString().equals(entrySession)) {
        found++;
      }
    }
    return found;
  }

  @Test
  @DisplayName(
      "the session list shows only the caller's sessions, newest first, paginated, with problem and evaluation state")
  void listsOwnSessions() {
    TestUser user = TestUser.signup(server);
    TestUser other = TestUser.signup(server);
    other.start("two-sum");
    UUID first = user.start("two-sum");
    UUID second = user.start("valid-parentheses");
    UUID third = user.start("two-sum");
    user.serviceQuery(
        "INSERT INTO evaluations (session_id, status, overall_score) VALUES ($1, 'completed', 82.5)",
        Tuple.of(first),
        r -> null);
    user.serviceQuery(
        "INSERT INTO evaluations (session_id, status) VALUES ($1, 'failed')",
        Tuple.of(second),
        r -> null);
    user.serviceQuery(
        "INSERT INTO evaluations (session_id, status) VALUES ($1, 'pending')",
        Tuple.of(third),
        r -> null);

    HttpResponse<Buffer> response = user.get("/api/sessions?pageSize=2");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject page = response.bodyAsJsonObject();
    assertThat(page.getLong("total")).isEqualTo(3);
    JsonArray items = page.getJsonArray("items");
    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getString("sessionId")).isEqualTo(third.toString());
    assertThat(items.getJsonObject(0).getString("evaluationStatus")).isEqualTo("evaluating");
    assertThat(items.getJsonObject(1).getString("sessionId")).isEqualTo(second.toString());
    assertThat(items.getJsonObject(1).getString("evaluationStatus")).isEqualTo("failed");
    assertThat(items.getJsonObject(1).getJsonObject("problem").getString("title"))
        .isEqualTo("Valid Parentheses");

    JsonObject last = user.get("/api/sessions?pageSize=2&page=2").bodyAsJsonObject();
    JsonObject oldest = last.getJsonArray("items").getJsonObject(0);
    assertThat(oldest.getString("sessionId")).isEqualTo(first.toString());
    assertThat(oldest.getString("evaluationStatus")).isEqualTo("completed");
    assertThat(oldest.getDouble("score")).isEqualTo(82.5);
    assertThat(oldest.getJsonObject("problem").getString("difficulty")).isEqualTo("easy");

    JsonObject beyond = user.get("/api/sessions?page=9").bodyAsJsonObject();
    assertThat(beyond.getJsonArray("items")).isEmpty();
    assertThat(beyond.getLong("total")).isEqualTo(3);
    assertThat(user.get("/api/sessions?pageSize=0").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName(
      "a page size above the maximum is a 400 problem naming pageSize, while the maximum itself is served")
  void pageSizeAboveMaximum() {
    TestUser user = TestUser.signup(server);
    user.start("two-sum");

    HttpResponse<Buffer> tooLarge =
        user.get("/api/sessions?pageSize=" + (SessionRoutes.MAX_PAGE_SIZE + 1));
    assertThat(tooLarge.statusCode()).isEqualTo(400);
    assertThat(tooLarge.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(
            tooLarge.bodyAsJsonObject().getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("field"))
                .toList())
        .containsExactly("pageSize");

    HttpResponse<Buffer> largest =
        user.get("/api/sessions?pageSize=" + SessionRoutes.MAX_PAGE_SIZE);
    assertThat(largest.statusCode()).isEqualTo(200);
    assertThat(largest.bodyAsJsonObject().getInteger("pageSize"))
        .isEqualTo(SessionRoutes.MAX_PAGE_SIZE);
    assertThat(largest.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
  }

  @Test
  @DisplayName("another user's session, a random id and a non-UUID id are all the same 404")
  void othersSessionsAre404() {
    TestUser owner = TestUser.signup(server);
    TestUser intruder = TestUser.signup(server);
    UUID id = owner.start("two-sum");
    assertThat(owner.get("/api/sessions/" + id).statusCode()).isEqualTo(200);
    for (String path :
        List.of(
            "/api/sessions/" + id,
            "/api/sessions/" + UUID.randomUUID(),
            "/api/sessions/not-a-uuid")) {
      HttpResponse<Buffer> response = intruder.get(path);
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("session_not_found");
    }
    assertThat(intruder.postEmpty("/api/sessions/" + id + "/end").statusCode()).isEqualTo(404);
    assertThat(status(owner, id)).isEqualTo("scheduled");
  }

  @Test
  @DisplayName("the session detail carries the latest code snapshot")
  void detailHasLatestSnapshot() {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    TestSessions.activate(server, id);
    JsonObject before = user.get("/api/sessions/" + id).bodyAsJsonObject();
    assertThat(before.getValue("latestSnapshot")).isNull();
    assertThat(before.getString("status")).isEqualTo("active");
    assertThat(before.getString("deadlineAt")).isNotNull();
    for (String code : List.of("first = 1", "second = 2")) {
      assertThat(
              user.post(
                      "/api/sessions/" + id + "/code",
                      new JsonObject()
                          .put("code", code)
                          .put("language", "python")
                          .put("snapshotType", "manual")
                          .put("timestampMs", System.currentTimeMillis()))
                  .statusCode())
          .isEqualTo(201);
    }
    JsonObject latest =
        user.get("/api/sessions/" + id).bodyAsJsonObject().getJsonObject("latestSnapshot");
    assertThat(latest.getString("code")).isEqualTo("second = 2");
    assertThat(latest.getString("snapshotType")).isEqualTo("manual");
  }

  @Test
  @DisplayName(
      "end completes an active session once: ended_at and duration stored, session.ended published, the socket told to close")
  void endIsIdempotentAndSignals() throws Exception {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    TestSessions.activate(server, id);
    user.serviceQuery(
        "UPDATE sessions SET started_at = now() - interval '90 seconds' WHERE id = $1",
        Tuple.of(id),
        r -> null);
    try (ControlChannel control = new ControlChannel(server.vertx, id)) {
      HttpResponse<Buffer> ended = user.postEmpty("/api/sessions/" + id + "/end");
      assertThat(ended.statusCode()).isEqualTo(200);
      JsonObject body = ended.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("completed");
      assertThat(body.getString("endReason")).isEqualTo("ended_by_user");
      assertThat(body.getInteger("durationSeconds")).isBetween(90, 120);
      assertThat(body.getBoolean("alreadyEnded")).isFalse();

      HttpResponse<Buffer> again = user.postEmpty("/api/sessions/" + id + "/end");
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.bodyAsJsonObject().getBoolean("alreadyEnded")).isTrue();
      assertThat(again.bodyAsJsonObject().getString("endedAt"))
          .isEqualTo(body.getString("endedAt"));

      assertThat(control.waitFor(1))
          .containsExactly(new JsonObject().put("type", "end").put("reason", "ended_by_user"));
      Thread.sleep(200);
      assertThat(control.messages).hasSize(1);
    }
    assertThat(streamCount(EventStream.SESSION_ENDED, id))
        .as("no socket held it: the edge announced, once")
        .isEqualTo(1);
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM events WHERE session_id = $1 AND kind = 'session.completed'",
                id))
        .isEqualTo(1);
    String requestId =
        user.serviceQuery(
            "SELECT request_id FROM events WHERE session_id = $1 AND kind = 'session.completed'",
            Tuple.of(id),
            rows -> rows.iterator().next().getString("request_id"));
    assertThat(requestId).isNotBlank();
  }

  @Test
  @DisplayName(
      "a REST end of a session whose socket is live leaves session.ended to the socket's node, which announces once")
  void endWithLiveSocketLeavesTheAnnouncementToIt() throws Exception {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    TestSessions.activate(server, id);
    await(
        server.redis.send(
            Request.cmd(Command.SET)
                .arg(SessionEnds.socketKey(id))
                .arg("socket-1")
                .arg("PX")
                .arg(60_000)));
    try (ControlChannel control = new ControlChannel(server.vertx, id)) {
      assertThat(
              user.postEmpty("/api/sessions/" + id + "/end").bodyAsJsonObject().getString("status"))
          .isEqualTo("completed");
      assertThat(control.waitFor(1))
          .containsExactly(new JsonObject().put("type", "end").put("reason", "ended_by_user"));
    }
    Thread.sleep(300);
    assertThat(streamHas(EventStream.SESSION_ENDED, id))
        .as("not before the socket stored its final writes")
        .isFalse();
    SessionEnds ends = new SessionEnds(server.db, server.redis);
    // what the socket's node does once its final code and transcript are stored
    assertThat(await(ends.announce(id, "socket-request"))).isTrue();
    assertThat(await(ends.announce(id, "socket-request"))).isFalse();
    assertThat(streamCount(EventStream.SESSION_ENDED, id)).isEqualTo(1);
  }

  @Test
  @DisplayName("ending a session that never became active abandons it")
  void endScheduledAbandons() {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    JsonObject body = user.postEmpty("/api/sessions/" + id + "/end").bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("abandoned");
    assertThat(body.getInteger("durationSeconds")).isZero();
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM events WHERE session_id = $1 AND kind = 'session.abandoned'",
                id))
        .isEqualTo(1);
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM events WHERE session_id = $1 AND kind = 'session.completed'",
                id))
        .isZero();
    assertThat(streamCount(EventStream.SESSION_ENDED, id)).isEqualTo(1);
  }

  private static <T> Future<T> asService(
      java.util.function.Function<io.vertx.sqlclient.SqlConnection, Future<T>> work) {
    return server.db.asService(work::apply);
  }

  @Test
  @DisplayName(
      "the shared transitions: activation sets the deadline from the problem; illegal moves are 409 illegal_transition")
  void statusMachineGuardsTransitions() {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    SessionTransitionStore.Activated activated = TestSessions.activate(server, id);
    assertThat(activated.userId()).isEqualTo(user.id());
    long minutes =
        user.serviceQuery(
            "SELECT extract(epoch FROM deadline_at - started_at)::int / 60 AS m FROM sessions WHERE id = $1",
            Tuple.of(id),
            rows -> rows.iterator().next().getLong("m"));
    assertThat(minutes).isEqualTo(30);
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM events WHERE session_id = $1 AND kind = 'session.activated'",
                id))
        .isEqualTo(1);

    ApiException twice =
        failure(
            asService(
                sql ->
                    SessionTransitionStore.activate(
                        sql, id, SessionTransitionStore.Origin.SYSTEM)));
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.code()).isEqualTo("illegal_transition");

    user.postEmpty("/api/sessions/" + id + "/end");
    assertThat(
            failure(
                    asService(
                        sql ->
                            SessionTransitionStore.activate(
                                sql, id, SessionTransitionStore.Origin.SYSTEM)))
                .code())
        .isEqualTo("illegal_transition");
    ApiException errorAfterEnd =
        failure(
            asService(
                sql ->
                    SessionTransitionStore.failByOurFault(
                        sql, id, "server_error", SessionTransitionStore.Origin.SYSTEM)));
    assertThat(errorAfterEnd.status()).isEqualTo(409);
    assertThat(errorAfterEnd.code()).isEqualTo("illegal_transition");
    assertThat(status(user, id)).isEqualTo("completed");
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM credit_transactions WHERE session_id = $1 AND reason = 'refund'",
                id))
        .isZero();
    assertThat(
            failure(
                    asService(
                        sql ->
                            SessionTransitionStore.activate(
                                sql, UUID.randomUUID(), SessionTransitionStore.Origin.SYSTEM)))
                .status())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "an ended session nobody announced (its node died mid-end) is announced by the next sweep, once")
  void sweeperAnnouncesStragglers() {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    TestSessions.activate(server, id);
    user.serviceQuery(
        """
        UPDATE sessions SET status = 'completed', end_reason = 'time_up', ended_at = now() - interval '1 minute'
         WHERE id = $1""",
        Tuple.of(id),
        r -> null);
    assertThat(streamHas(EventStream.SESSION_ENDED, id)).isFalse();
    await(new SessionSweeper(server.db, server.redis).sweep());
    await(new SessionSweeper(server.db, server.redis).sweep());
    assertThat(streamCount(EventStream.SESSION_ENDED, id)).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "the sweeper completes sessions past deadline plus grace and abandons stale scheduled ones, each exactly once")
  void sweeperClosesExpired() throws Exception {
    TestUser user = TestUser.signup(server);
    UUID expired = user.start("two-sum");
    UUID inGrace = user.start("two-sum");
    UUID stale = user.start("valid-parentheses");
    TestSessions.activate(server, expired);
    TestSessions.activate(server, inGrace);
    user.serviceQuery(
        "UPDATE sessions SET started_at = now() - interval '33 minutes', deadline_at = now() - interval '3 minutes' WHERE id = $1",
        Tuple.of(expired),
        r -> null);
    user.serviceQuery(
        "UPDATE sessions SET deadline_at = now() - interval '1 minute' WHERE id = $1",
        Tuple.of(inGrace),
        r -> null);
    user.serviceQuery(
        "UPDATE sessions SET created_at = now() - interval '2 hours' WHERE id = $1",
        Tuple.of(stale),
        r -> null);

    try (ControlChannel control = new ControlChannel(server.vertx, expired)) {
      SessionSweeper a = new SessionSweeper(server.db, server.redis);
      SessionSweeper b = new SessionSweeper(server.db, server.redis);
      List<Future<List<SessionSweeper.Closed>>> sweeps = List.of(a.sweep(), b.sweep(), a.sweep());
      await(Future.join(sweeps));
      List<UUID> closed =
          sweeps.stream()
              .flatMap(f -> f.result().stream())
              .map(SessionSweeper.Closed::sessionId)
              .filter(id -> List.of(expired, inGrace, stale).contains(id))
              .toList();
      assertThat(closed).containsExactlyInAnyOrder(expired, stale);
      assertThat(control.waitFor(1))
          .containsExactly(new JsonObject().put("type", "end").put("reason", "time_expired"));
    }
    assertThat(status(user, expired)).isEqualTo("completed");
    assertThat(status(user, inGrace)).isEqualTo("active");
    assertThat(status(user, stale)).isEqualTo("abandoned");
    JsonObject row =
        user.serviceQuery(
            "SELECT end_reason, duration_seconds FROM sessions WHERE id = $1",
            Tuple.of(expired),
            rows -> rows.iterator().next().toJson());
    assertThat(row.getString("end_reason")).isEqualTo("time_expired");
    assertThat(row.getInteger("duration_seconds")).isBetween(29 * 60, 31 * 60);
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM events WHERE session_id = $1 AND kind = 'session.completed'",
                expired))
        .isEqualTo(1);
    assertThat(
            count(
                user,
                "SELECT count(*) AS n FROM events WHERE session_id = $1 AND kind = 'session.abandoned'",
                stale))
        .isEqualTo(1);
    assertThat(streamCount(EventStream.SESSION_ENDED, expired)).isEqualTo(1);
    assertThat(streamCount(EventStream.SESSION_ENDED, stale)).isEqualTo(1);
  }

  @Test
  @DisplayName("the deployed sweeper runs on its own timer")
  void sweeperRunsPeriodically() throws Exception {
    TestUser user = TestUser.signup(server);
    UUID id = user.start("two-sum");
    TestSessions.activate(server, id);
    user.serviceQuery(
        "UPDATE sessions SET deadline_at = now() - interval '10 minutes' WHERE id = $1",
        Tuple.of(id),
        r -> null);
    String deployment =
        await(
            server.vertx.deployVerticle(
                new SessionSweeper(server.db, server.redis, java.time.Duration.ofMillis(100))));
    try {
      long until = System.currentTimeMillis() + 5_000;
      while (!"completed".equals(status(user, id)) && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      assertThat(status(user, id)).isEqualTo("completed");
    } finally {
      await(server.vertx.undeploy(deployment));
    }
  }
}
