package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.common.observability.OpenSockets;
import com.interviewroom.realtime.code.CodeSync;
import com.interviewroom.realtime.timer.Deadlines;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.session.signal.SessionSignals;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A session across sockets, nodes and time")
class SessionLifecycleTest {
  static Fixture fixture;
  static Fixture.Node first;
  static Fixture.Node second;
  static Fixture.Node fastTimer;
  static Fixture.Node fastPing;
  static EchoVoice voice = new EchoVoice(1);

  @BeforeAll
  static void start() {
    fixture = new Fixture();
    first = fixture.node(GatewaySettings.defaults(), voice);
    second = fixture.node(GatewaySettings.defaults(), voice);
    fastTimer =
        fixture.node(
            GatewaySettings.defaults()
                .withTimer(
                    Duration.ofMillis(100),
                    List.of(Duration.ofMillis(2500), Duration.ofMillis(1200))),
            voice);
    fastPing =
        fixture.node(
            GatewaySettings.defaults().withPing(Duration.ofMillis(100), Duration.ofMillis(600)),
            voice);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static void publish(String channel, JsonObject message) {
    fixture.redis(Request.cmd(Command.PUBLISH).arg(channel).arg(message.encode()));
  }

  @Test
  @DisplayName("a reconnect with a fresh token resumes the same deadline and the latest code")
  void resume() throws Exception {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    long deadline;
    long firstRemaining;
    try (TestClient client =
        TestClient.connect(fixture.vertx, first.port(), fixture.token(user, session))) {
      firstRemaining = client.next("session.ready").getLong("remainingMs");
      deadline =
          fixture.redis(Request.cmd(Command.GET).arg(Deadlines.deadlineKey(session))).toLong();
      client.send(
          new JsonObject()
              .put("type", "code_edit")
              .put("code", "def f(): pass")
              .put("language", "python"));
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
    }
    Thread.sleep(300);
    try (TestClient client =
        TestClient.connect(fixture.vertx, second.port(), fixture.token(user, session))) {
      JsonObject ready = client.next("session.ready");
      assertTrue(
          ready.getLong("remainingMs") < firstRemaining,
          "the clock kept running, it was not reset");
      assertEquals("def f(): pass", ready.getString("code"));
      assertEquals(
          deadline,
          fixture.redis(Request.cmd(Command.GET).arg(Deadlines.deadlineKey(session))).toLong());
      Row row =
          fixture.one("SELECT deadline_at, status FROM sessions WHERE id = $1", Tuple.of(session));
      assertEquals(deadline, row.getOffsetDateTime("deadline_at").toInstant().toEpochMilli());
      assertEquals("active", row.getString("status"));
      assertEquals("python", voice.of(session).contexts.getLast().language());
    }
  }

  @Test
  @DisplayName(
      "a deadline Redis lost is restored from the database's copy: a reconnect resumes it, never resets it")
  void deadlineFallback() throws Exception {
    UUID user = fixture.user();
    // ten minutes left of a thirty-minute problem: a reset would show as about thirty
    UUID session = fixture.activeSession(user, 600_000);
    long dbDeadline =
        fixture
            .one("SELECT deadline_at FROM sessions WHERE id = $1", Tuple.of(session))
            .getOffsetDateTime("deadline_at")
            .toInstant()
            .toEpochMilli();
    try (TestClient client =
        TestClient.connect(fixture.vertx, first.port(), fixture.token(user, session))) {
      client.next("session.ready");
    }
    assertEquals(
        dbDeadline,
        fixture.redis(Request.cmd(Command.GET).arg(Deadlines.deadlineKey(session))).toLong());
    fixture.redis(Request.cmd(Command.DEL).arg(Deadlines.deadlineKey(session)));
    Thread.sleep(200);
    long before = System.currentTimeMillis();
    try (TestClient client =
        TestClient.connect(fixture.vertx, second.port(), fixture.token(user, session))) {
      long remaining = client.next("session.ready").getLong("remainingMs");
      long after = System.currentTimeMillis();
      assertTrue(
          remaining <= dbDeadline - before && remaining >= dbDeadline - after - 5,
          "remaining time counts down to the database's deadline: " + remaining);
      assertEquals(
          dbDeadline,
          fixture.redis(Request.cmd(Command.GET).arg(Deadlines.deadlineKey(session))).toLong(),
          "the key is recreated with the same deadline");
      long ttl =
          fixture.redis(Request.cmd(Command.PTTL).arg(Deadlines.deadlineKey(session))).toLong();
      assertTrue(ttl > dbDeadline - after, "the recreated key outlives the deadline: " + ttl);
    }
  }

  @Test
  @DisplayName(
      "a reconnect continues the transcript: the voice side gets the stored turns, in order")
  void transcriptContinues() {
    UUID user = fixture.user();
    UUID session = fixture.activeSession(user, 600_000);
    List<String[]> turns =
        List.of(
            new String[] {"assistant", "a1", "Hello, shall we start with Two Sum?"},
            new String[] {"user", "u1", "Sure, I would use a hash map."},
            new String[] {"assistant", "a2", "Good. What is the complexity?"});
    for (int i = turns.size() - 1; i >= 0; i--) {
      String[] turn = turns.get(i);
      // inserted newest first, so the order comes from the turn time, not the insert order
      fixture.one(
          """
          INSERT INTO transcripts (session_id, role, item_id, text, turn_started_at)
          VALUES ($1, $2, $3, $4, now() - make_interval(secs => $5)) RETURNING id""",
          Tuple.of(session, turn[0], turn[1], turn[2], (double) (60 - 10 * i)));
    }
    try (TestClient client =
        TestClient.connect(fixture.vertx, first.port(), fixture.token(user, session))) {
      client.next("session.ready");
      List<InterviewContext.TranscriptLine> history =
          voice.of(session).contexts.getLast().history();
      assertEquals(
          turns.stream().map(t -> new InterviewContext.TranscriptLine(t[0], t[1], t[2])).toList(),
          history);
    }
  }

  @Test
  @DisplayName(
      "time warnings reach the interviewer once each, even across a reconnect, then time_up ends the session")
  void warningsAndExpiry() {
    UUID user = fixture.user();
    UUID session = fixture.activeSession(user, 3_500);
    EchoVoice.Record record = voice.of(session);
    try (TestClient early =
        TestClient.connect(fixture.vertx, fastTimer.port(), fixture.token(user, session))) {
      early.next("session.ready");
      assertTrue(early.next("timer").getLong("remainingMs") <= 3_500);
      Fixture.eventually(
          "the first warning", () -> record.notesOf(ContextNote.Kind.TIME_WARNING) == 1);
    }
    try (TestClient late =
        TestClient.connect(fixture.vertx, fastTimer.port(), fixture.token(user, session))) {
      late.next("session.ready");
      assertEquals("time_up", late.next("session.ended").getString("reason"));
      assertEquals(1000, late.closeCode());
      assertEquals(
          2,
          record.notesOf(ContextNote.Kind.TIME_WARNING),
          "5-minute and 1-minute warnings, once each");
      assertTrue(record.notes.stream().allMatch(n -> n.text().contains("remain")));
      List<Long> ticks =
          late.messages.stream()
              .filter(m -> m.getString("type").equals("timer"))
              .map(m -> m.getLong("remainingMs"))
              .toList();
      assertTrue(ticks.stream().allMatch(t -> t >= 0), "clamped at zero");
    }
    Row row =
        fixture.one(
            "SELECT status, end_reason, ended_at, duration_seconds FROM sessions WHERE id = $1",
            Tuple.of(session));
    assertEquals("completed", row.getString("status"));
    assertEquals("time_up", row.getString("end_reason"));
    assertTrue(row.getInteger("duration_seconds") >= 3);
    assertEquals(
        1, fixture.events(session).stream().filter(e -> e[0].equals("session.ended")).count());
  }

  @Test
  @DisplayName(
      "a voice lost for good mid-session ends the socket: session.ended provider_unavailable, the final code, close 1000")
  void voiceLostEndsTheSocket() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient client =
        TestClient.connect(fixture.vertx, first.port(), fixture.token(user, session))) {
      client.next("session.ready");
      client.send(
          new JsonObject()
              .put("type", "code_edit")
              .put("code", "def f(): return 1")
              .put("language", "python"));
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
      voice.of(session).client.voiceLost();
      assertEquals("provider_unavailable", client.next("session.ended").getString("reason"));
      assertEquals(1000, client.closeCode());
    }
    Fixture.eventually("no socket left", () -> first.gateway().sessionsHeld() == 0);
    Row snapshot =
        fixture.one(
            "SELECT code FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final'",
            Tuple.of(session));
    assertEquals("def f(): return 1", snapshot.getString("code"));
  }

  @Test
  @DisplayName("the REST end signal closes a socket held by a second gateway instance")
  void endAcrossNodes() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient client =
        TestClient.connect(fixture.vertx, second.port(), fixture.token(user, session))) {
      client.next("session.ready");
      publish(
          SessionSignals.control(session),
          new JsonObject().put("type", "end").put("reason", "ended_by_user"));
      assertEquals("ended_by_user", client.next("session.ended").getString("reason"));
      assertEquals(1000, client.closeCode());
    }
    Fixture.eventually(
        "no socket left on the second node", () -> second.gateway().sessionsHeld() == 0);
  }

  @Test
  @DisplayName(
      "an end published while the node's signal subscription was down still ends the socket once it is back")
  void endLostWhileResubscribing() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient client =
        TestClient.connect(fixture.vertx, second.port(), fixture.token(user, session))) {
      client.next("session.ready");
      long subscriber = second.gateway().signalClientId();
      assertTrue(subscriber > 0);
      // the edge ended the session, and its signal went nowhere: the subscription is cut right
      // after
      fixture.one(
          """
          UPDATE sessions SET status = 'completed', end_reason = 'ended_by_user', ended_at = now()
           WHERE id = $1 RETURNING id""",
          Tuple.of(session));
      fixture.redis(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(subscriber));
      assertEquals("ended_by_user", client.next("session.ended").getString("reason"));
      assertEquals(1000, client.closeCode());
      assertTrue(second.gateway().signalClientId() != subscriber, "a new subscription");
    }
    Fixture.eventually(
        "no socket left on the second node", () -> second.gateway().sessionsHeld() == 0);
    Fixture.eventually(
        "the ended session leaves no keys", () -> fixture.sessionKeys(session).isEmpty());
  }

  @Test
  @DisplayName(
      "a replacement announced while the node's subscription was down still closes the older socket (4002); the newest stays")
  void replacedWhileResubscribing() {
    UUID user = fixture.user();
    UUID older = fixture.scheduledSession(user);
    UUID current = fixture.scheduledSession(user);
    try (TestClient replaced =
            TestClient.connect(fixture.vertx, second.port(), fixture.token(user, older));
        TestClient kept =
            TestClient.connect(fixture.vertx, second.port(), fixture.token(user, current))) {
      replaced.next("session.ready");
      kept.next("session.ready");
      // a newer socket of the first session took its place in the order; its announcement went
      // nowhere
      fixture.redis(Request.cmd(Command.INCR).arg(Connection.epochKey(older)));
      fixture.redis(
          Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(second.gateway().signalClientId()));
      assertEquals(Connection.REPLACED, replaced.closeCode());
      kept.send(new JsonObject().put("type", "session.ping"));
      kept.next("pong");
      assertTrue(!kept.closed.isDone(), "the newest socket of a session is kept");
    }
  }

  @Test
  @DisplayName("a newer socket on another node replaces the older one with 4002")
  void replacedAcrossNodes() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient older =
        TestClient.connect(fixture.vertx, first.port(), fixture.token(user, session))) {
      older.next("session.ready");
      try (TestClient newer =
          TestClient.connect(fixture.vertx, second.port(), fixture.token(user, session))) {
        newer.next("session.ready");
        assertEquals(Connection.REPLACED, older.closeCode());
        assertEquals("replaced", older.ws.closeReason());
        newer.send(new JsonObject().put("type", "session.ping"));
        newer.next("pong");
      }
    }
  }

  @Test
  @DisplayName(
      "agent context reaches the interviewer, and execution results also reach the candidate")
  void contextSignals() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient client =
        TestClient.connect(fixture.vertx, second.port(), fixture.token(user, session))) {
      client.next("session.ready");
      publish(
          SessionSignals.context(session),
          new JsonObject().put("kind", "CODE_OBSERVATION").put("text", "I notice a loop."));
      publish(
          SessionSignals.context(session),
          new JsonObject()
              .put("kind", "EXECUTION_RESULT")
              .put("text", "2 of 3 tests pass.")
              .put("payload", new JsonObject().put("verdict", "failed").put("passed", 2)));
      JsonObject result = client.next("execution.result");
      assertEquals("failed", result.getString("verdict"));
      assertEquals(2, result.getInteger("passed"));
      Fixture.eventually("both notes injected", () -> voice.of(session).notes.size() == 2);
      assertEquals(ContextNote.Kind.CODE_OBSERVATION, voice.of(session).notes.getFirst().kind());
      // a code observation is a hint the interviewer may give; the evaluator reads the count
      publish(
          SessionSignals.context(session),
          new JsonObject().put("kind", "CODE_OBSERVATION").put("text", "I notice a nested loop."));
      Fixture.eventually(
          "two hints counted",
          () ->
              Integer.valueOf(2)
                  .equals(
                      fixture
                          .one(
                              "SELECT (usage->>'hintsGiven')::int AS n FROM sessions WHERE id = $1",
                              io.vertx.sqlclient.Tuple.of(session))
                          .getInteger("n")));
    }
  }

  @Test
  @DisplayName(
      "a peer that stops answering protocol pings is closed and cleaned up; a live one is kept")
  void deadPeer() throws Exception {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient client =
        TestClient.connect(fixture.vertx, fastPing.port(), fixture.token(user, session))) {
      client.next("session.ready");
      Thread.sleep(1_000);
      assertEquals(1, fastPing.gateway().connections(), "pongs keep an idle socket alive");
      // a paused client reads nothing, so it answers no pings: a dead peer as far as the server can
      // tell
      client.ws.pause();
      Fixture.eventually(
          "the unresponsive socket is released", () -> fastPing.gateway().connections() == 0);
      assertEquals(0, fastPing.gateway().ownedTimers());
    }
  }

  @Test
  @DisplayName("1,000 connect/disconnect cycles leave no sockets, timers or Redis keys behind")
  void cycles() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    int baseline = OpenSockets.count();
    List<String> jtis = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String token = fixture.token(user, session);
      jtis.add(HandshakeTest.payload(token).getString("jti"));
      TestClient client = TestClient.connect(fixture.vertx, first.port(), token);
      if (i % 2 == 0) {
        // half wait for the session to be resumed, half leave in the middle of it
        client.next("session.ready");
      }
      if (i % 100 == 0) {
        // some sockets leave unsaved code behind, which their release flushes as a snapshot
        client.send(
            new JsonObject()
                .put("type", "code_edit")
                .put("code", "# cycle " + i)
                .put("language", "python"));
      }
      client.close();
    }
    Fixture.eventually("every socket released", () -> first.gateway().connections() == 0);
    assertEquals(0, first.gateway().sessionsHeld());
    assertEquals(0, first.gateway().ownedTimers());
    assertEquals(baseline, OpenSockets.count());
    java.util.Set<String> kept = new java.util.HashSet<>(fixture.sessionKeys(session));
    // the auto-snapshot period the last flush started may still run; it expires by itself
    if (kept.remove(CodeSync.autoKey(session))) {
      long ttl = fixture.redis(Request.cmd(Command.PTTL).arg(CodeSync.autoKey(session))).toLong();
      assertTrue(
          ttl == -2
              || (ttl > 0 && ttl <= GatewaySettings.defaults().autoSnapshotEvery().toMillis()),
          "the period expires: " + ttl);
    }
    assertEquals(
        java.util.Set.of(
            Deadlines.deadlineKey(session), Connection.epochKey(session), CodeSync.key(session)),
        kept,
        "only the deadline, the socket order and the latest code outlive a socket, so the next one resumes");
    for (String jti : jtis) {
      long ttl = fixture.redis(Request.cmd(Command.PTTL).arg(HandshakeAuth.jtiKey(jti))).toLong();
      assertTrue(
          ttl > 0 && ttl <= HandshakeAuth.JTI_TTL.toMillis(),
          "every claimed jti expires by itself: " + ttl);
    }
    Fixture.eventually(
        "no snapshot write left in flight", () -> first.gateway().snapshotWritesInFlight() == 0);
    assertEquals(
        10,
        fixture
            .rows(
                "SELECT 1 FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'auto'",
                Tuple.of(session))
            .size(),
        "each socket that left an edit stored it once");
    // a socket released mid-resume still finishes opening its voice side, then closes it at once
    Fixture.eventually("every voice session opened", () -> voice.of(session).opened.get() == 1000);
    Fixture.eventually("every voice session closed", () -> voice.of(session).closed.get() == 1000);

    try (TestClient last =
        TestClient.connect(fixture.vertx, first.port(), fixture.token(user, session))) {
      last.next("session.ready");
      last.send(new JsonObject().put("type", "session.end"));
      assertEquals(1000, last.closeCode());
    }
    Fixture.eventually(
        "the ended session leaves no keys", () -> fixture.sessionKeys(session).isEmpty());
    Fixture.eventually("no timers", () -> first.gateway().ownedTimers() == 0);
  }
}
