package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.realtime.code.CodeSync;
import com.interviewroom.realtime.session.LiveSessionRepository;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.DefaultVoiceSessionFactory;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.realtime.voice.local.LocalVoiceProvider;
import com.interviewroom.session.signal.SessionEnds;
import com.interviewroom.session.store.SessionTransitionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "How a session ends: one status path, refunds once, session.ended after the final writes")
class SessionEndingTest {
  static Fixture fixture;
  static Fixture.Node echoNode;
  static Fixture.Node voiceNode;
  static TranscriptBatcher transcripts;
  static EchoVoice echo = new EchoVoice(0);

  @BeforeAll
  static void start() {
    fixture = new Fixture();
    echoNode = fixture.node(GatewaySettings.defaults(), echo);
    // the real voice bridge with the local interviewer; transcripts wait in the batcher until a
    // flush
    transcripts =
        new TranscriptBatcher(fixture.vertx, fixture.db, Duration.ofMinutes(10), 10_000, 10_000);
    voiceNode =
        fixture.node(
            GatewaySettings.defaults(),
            new DefaultVoiceSessionFactory(
                fixture.vertx,
                new ProviderSelector(false, false),
                name -> new LocalVoiceProvider(fixture.vertx),
                transcripts,
                new PgSessionRecords(fixture.db)));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  /**
   * A scheduled session paid with one credit through the ledger (the user keeps 2 of the 3 signup
   * credits).
   */
  private static UUID chargedSession(UUID user) {
    UUID session =
        fixture
            .one(
                """
        INSERT INTO sessions (user_id, problem_id, language, credit_charged) VALUES ($1, $2, 'python', true) RETURNING id""",
                Tuple.of(user, fixture.problemId))
            .getUUID(0);
    fixture.one(
        """
        INSERT INTO credit_transactions (user_id, delta, reason, session_id) VALUES ($1, -1, 'session_start', $2) RETURNING id""",
        Tuple.of(user, session));
    return session;
  }

  private static int count(String sql, UUID session) {
    return fixture.one(sql, Tuple.of(session)).getInteger(0);
  }

  private static int credits(UUID user) {
    return fixture
        .one("SELECT credits FROM profiles WHERE user_id = $1", Tuple.of(user))
        .getInteger(0);
  }

  private static long ended(UUID session) {
    return fixture.events(session).stream().filter(e -> e[0].equals("session.ended")).count();
  }

  @Test
  @DisplayName(
      "session.ended is published only after the final snapshot and the last transcript item are stored")
  void endedAfterFinalWrites() throws Exception {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient client =
        TestClient.connect(fixture.vertx, voiceNode.port(), fixture.token(user, session))) {
      client.next("session.ready");
      JsonObject greeting;
      do {
        greeting = client.next("transcript");
      } while (!greeting.getBoolean("final"));
      client.send(
          new JsonObject()
              .put("type", "code_edit")
              .put("code", "def f():\n    return 42\n")
              .put("language", "python"));
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
      assertEquals(
          1,
          count("SELECT count(*)::int FROM transcripts WHERE session_id = $1", session),
          "a final the client was given is already stored (a crash now would not lose it)");
      // the edit may already be an `auto` snapshot (the first edit of a period is written at once);
      // the final one is not
      assertEquals(
          0,
          count(
              "SELECT count(*)::int FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final'",
              session),
          "no final snapshot before the end");

      // slow storage: the final writes wait behind this lock; the announcement must wait for them
      SqlConnection blocker = Fixture.await(fixture.db.pool().getConnection());
      Transaction lock = Fixture.await(blocker.begin());
      Fixture.await(
          blocker
              .query("LOCK TABLE transcripts, code_snapshots IN SHARE ROW EXCLUSIVE MODE")
              .execute());
      CompletableFuture<int[]> seenAtPublish = watchForEnded(session);
      client.send(new JsonObject().put("type", "session.end"));
      assertEquals("ended_by_user", client.next("session.ended").getString("reason"));
      Thread.sleep(1_500);
      assertFalse(
          seenAtPublish.isDone(),
          "session.ended went out while the final code and transcript were unsaved");
      Fixture.await(lock.commit());
      Fixture.await(blocker.close());

      int[] seen = seenAtPublish.get(30, TimeUnit.SECONDS);
      assertEquals(1, seen[0], "the final snapshot existed when session.ended was published");
      assertTrue(
          seen[1] >= 1, "the greeting's transcript row existed when session.ended was published");
      assertEquals(1000, client.closeCode());
    }
    assertEquals(
        "def f():\n    return 42\n",
        fixture
            .one(
                "SELECT code FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final'",
                Tuple.of(session))
            .getString(0));
    Thread.sleep(300);
    assertEquals(1, ended(session), "exactly one session.ended");
    assertEquals(
        "completed",
        new JsonObject(
                fixture.events(session).stream()
                    .filter(e -> e[0].equals("session.ended"))
                    .findFirst()
                    .orElseThrow()[1])
            .getString("status"));
  }

  /**
   * Completes with {@code [final snapshots, transcript rows]} as they were the moment session.ended
   * appeared.
   */
  private static CompletableFuture<int[]> watchForEnded(UUID session) {
    return CompletableFuture.supplyAsync(
        () -> {
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (System.nanoTime() < until) {
            if (ended(session) > 0) {
              return new int[] {
                count(
                    "SELECT count(*)::int FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final'",
                    session),
                count("SELECT count(*)::int FROM transcripts WHERE session_id = $1", session)
              };
            }
            try {
              Thread.sleep(10);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              break;
            }
          }
          throw new AssertionError("no session.ended");
        });
  }

  @Test
  @DisplayName(
      "a server error while the first connect resumes errors the session, refunds its credit once and announces the end once")
  void startFailureRefunds() {
    UUID user = fixture.user();
    UUID session = chargedSession(user);
    assertEquals(2, credits(user));
    // a corrupted value the resume cannot read: a server-side failure after the socket was accepted
    fixture.redis(
        Request.cmd(Command.SET).arg(CodeSync.key(session)).arg("{not json").arg("PX").arg(60_000));
    try (TestClient client =
        TestClient.connect(fixture.vertx, echoNode.port(), fixture.token(user, session))) {
      assertEquals(1011, client.closeCode());
    }
    Fixture.eventually("session.ended published", () -> ended(session) == 1);
    var row =
        fixture.one(
            "SELECT status, end_reason, credit_refunded FROM sessions WHERE id = $1",
            Tuple.of(session));
    assertEquals("errored", row.getString("status"));
    assertEquals(Connection.SERVER_ERROR, row.getString("end_reason"));
    assertTrue(row.getBoolean("credit_refunded"));
    assertEquals(3, credits(user));
    assertEquals(
        1,
        count(
            "SELECT count(*)::int FROM credit_transactions WHERE session_id = $1 AND reason = 'refund'",
            session));
    for (String kind : List.of("session.activated", "session.errored", "credit.refunded")) {
      assertEquals(
          1,
          fixture
              .one(
                  "SELECT count(*)::int FROM events WHERE session_id = $1 AND kind = $2",
                  Tuple.of(session, kind))
              .getInteger(0),
          kind);
    }
    assertEquals(
        0,
        count(
            "SELECT count(*)::int FROM events WHERE session_id = $1 AND request_id IS NULL AND kind = 'session.errored'",
            session),
        "the errored row carries the socket's request id");
  }

  @Test
  @DisplayName(
      "the voice giving up and a failed start racing on one session refund exactly one credit; an uncharged session gets none")
  void racingFailuresRefundOnce() {
    UUID user = fixture.user();
    UUID session = chargedSession(user);
    Fixture.await(
        fixture.db.asService(
            sql ->
                SessionTransitionStore.activate(
                    sql, session, SessionTransitionStore.Origin.SYSTEM)));
    PgSessionRecords voiceSide = new PgSessionRecords(fixture.db);
    LiveSessionRepository gatewaySide = new LiveSessionRepository(fixture.db);
    List<Future<?>> reports = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      reports.add(voiceSide.markErroredAndRefund(session));
      reports.add(gatewaySide.failByOurFault(session, Connection.SERVER_ERROR, "r-" + i));
    }
    Fixture.await(Future.all(reports));
    assertEquals(3, credits(user));
    assertEquals(
        1,
        count(
            "SELECT count(*)::int FROM credit_transactions WHERE session_id = $1 AND reason = 'refund'",
            session));
    assertEquals(
        1,
        count(
            "SELECT count(*)::int FROM events WHERE session_id = $1 AND kind = 'credit.refunded'",
            session));
    assertEquals(
        1,
        count(
            "SELECT count(*)::int FROM events WHERE session_id = $1 AND kind = 'session.errored'",
            session));

    UUID free = fixture.scheduledSession(user);
    assertTrue(Fixture.await(gatewaySide.failByOurFault(free, Connection.SERVER_ERROR, "r")));
    assertEquals(3, credits(user));
    assertEquals(
        0, count("SELECT count(*)::int FROM credit_transactions WHERE session_id = $1", free));
  }

  @Test
  @DisplayName(
      "a REST end while the socket is live on a node: the socket's node stores the final code, then announces once")
  void restEndLeavesTheAnnouncementToTheSocket() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient client =
        TestClient.connect(fixture.vertx, echoNode.port(), fixture.token(user, session))) {
      client.next("session.ready");
      client.send(
          new JsonObject().put("type", "code_edit").put("code", "x = 1").put("language", "python"));
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
      Fixture.eventually(
          "the socket holds the session",
          () ->
              fixture
                      .redis(Request.cmd(Command.EXISTS).arg(SessionEnds.socketKey(session)))
                      .toInteger()
                  == 1);
      // exactly what the edge's POST /api/sessions/{id}/end does
      var outcome =
          Fixture.await(
              fixture.db.asUser(
                  user,
                  sql ->
                      SessionTransitionStore.end(
                          sql,
                          session,
                          "ended_by_user",
                          SessionTransitionStore.Origin.request("rest-request"))));
      assertTrue(outcome.changed());
      assertFalse(
          Fixture.await(
              new SessionEnds(fixture.db, fixture.redis)
                  .afterEnd(session, "rest-request", "ended_by_user")),
          "the edge leaves the announcement to the socket");
      assertEquals("ended_by_user", client.next("session.ended").getString("reason"));
      assertEquals(1000, client.closeCode());
    }
    Fixture.eventually("session.ended published by the socket's node", () -> ended(session) == 1);
    assertEquals(
        1,
        count(
            "SELECT count(*)::int FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final'",
            session));
    assertEquals(
        "completed",
        fixture.one("SELECT status FROM sessions WHERE id = $1", Tuple.of(session)).getString(0));
    Fixture.eventually(
        "the socket's hold is gone",
        () ->
            fixture
                    .redis(Request.cmd(Command.EXISTS).arg(SessionEnds.socketKey(session)))
                    .toInteger()
                == 0);
  }
}
