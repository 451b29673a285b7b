package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.realtime.code.CodeSync;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("Frames on an open socket")
class FramesTest {
  static Fixture fixture;
  static Fixture.Node node;
  static Fixture.Node strict;
  static Fixture.Node flood;
  static Fixture.Node slowCodeA;
  static Fixture.Node slowCodeB;
  static Fixture.Node tightControl;
  static final Duration SLOW_SNAPSHOTS = Duration.ofSeconds(3);
  static EchoVoice voice = new EchoVoice(1);
  static EchoVoice loudVoice = new EchoVoice(4);
  static final int AUDIO_CAP = 256 * 1024;

  /** The slow-reader tests flood far faster than real time on purpose. */
  static final GatewaySettings.RateLimit UNLIMITED_BYTES =
      new GatewaySettings.RateLimit(1e9, 64 * 1024 * 1024);

  @BeforeAll
  static void start() {
    fixture = new Fixture();
    GatewaySettings fastCode =
        GatewaySettings.defaults().withCode(Duration.ofMillis(300), Duration.ofMillis(300));
    node = fixture.node(fastCode, voice);
    strict =
        fixture.node(
            GatewaySettings.defaults()
                .withRates(
                    new GatewaySettings.RateLimit(50, 100),
                    new GatewaySettings.RateLimit(20, 40),
                    Duration.ofMillis(1500)),
            voice);
    flood =
        fixture.node(
            GatewaySettings.defaults()
                .withRates(
                    new GatewaySettings.RateLimit(5000, 10000),
                    new GatewaySettings.RateLimit(20, 40),
                    Duration.ofSeconds(5))
                .withAudioBytes(UNLIMITED_BYTES)
                .withOutbound(AUDIO_CAP, 1024),
            loudVoice);
    GatewaySettings slowCode =
        GatewaySettings.defaults().withCode(SLOW_SNAPSHOTS, Duration.ofSeconds(10));
    slowCodeA = fixture.node(slowCode, voice);
    slowCodeB = fixture.node(slowCode, voice);
    tightControl =
        fixture.node(
            GatewaySettings.defaults()
                .withRates(
                    new GatewaySettings.RateLimit(5000, 10000),
                    new GatewaySettings.RateLimit(20, 40),
                    Duration.ofSeconds(5))
                .withAudioBytes(UNLIMITED_BYTES)
                .withOutbound(AUDIO_CAP, 8),
            loudVoice);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private record Open(UUID user, UUID session, TestClient client) {}

  private Open open(Fixture.Node at) {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    TestClient client = TestClient.connect(fixture.vertx, at.port(), fixture.token(user, session));
    client.next("session.ready");
    return new Open(user, session, client);
  }

  private static Buffer pcm(int bytes) {
    byte[] data = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      data[i] = (byte) i;
    }
    return Buffer.buffer(data);
  }

  @Test
  @DisplayName(
      "binary audio and base64 audio reach the voice side, whose audio comes back as binary frames")
  void audio() throws Exception {
    Open open = open(node);
    try (TestClient client = open.client()) {
      Fixture.await(client.ws.writeBinaryMessage(pcm(960)));
      assertEquals(pcm(960), client.audio.poll(10, java.util.concurrent.TimeUnit.SECONDS));
      client.send(
          new JsonObject()
              .put("type", "input_audio_buffer.append")
              .put("audio", Base64.getEncoder().encodeToString(pcm(480).getBytes())));
      assertEquals(pcm(480), client.audio.poll(10, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(2, voice.of(open.session()).audioFrames.get());
    }
  }

  @Test
  @DisplayName("commit, cancel and ping are delivered; ping answers pong")
  void controlFrames() {
    Open open = open(node);
    try (TestClient client = open.client()) {
      client.send(new JsonObject().put("type", "input_audio_buffer.commit"));
      client.send(new JsonObject().put("type", "response.cancel"));
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
      EchoVoice.Record record = voice.of(open.session());
      assertEquals(1, record.commits.get());
      assertEquals(1, record.cancels.get());
    }
  }

  @Test
  @DisplayName(
      "code_edit never reaches the voice side; it is kept in Redis, snapshotted and published sampled")
  void codeEdit() {
    Open open = open(node);
    try (TestClient client = open.client()) {
      for (int i = 0; i < 20; i++) {
        client.send(
            new JsonObject()
                .put("type", "code_edit")
                .put("code", "print(" + i + ")")
                .put("language", "python"));
      }
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
      Fixture.eventually(
          "the latest code is in Redis",
          () -> {
            Response saved =
                fixture.redis(Request.cmd(Command.GET).arg(CodeSync.key(open.session())));
            return saved != null
                && new JsonObject(saved.toString()).getString("code").equals("print(19)");
          });
      Fixture.eventually(
          "an auto snapshot of the latest code",
          () ->
              fixture
                      .rows(
                          "SELECT 1 FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'auto' AND code = 'print(19)'",
                          Tuple.of(open.session()))
                      .size()
                  == 1);
      Fixture.eventually(
          "code.edited published",
          () ->
              fixture.events(open.session()).stream()
                  .anyMatch(
                      e ->
                          e[0].equals("code.edited")
                              && new JsonObject(e[1])
                                  .getString("codeSha256")
                                  .equals(Hashing.sha256Hex("print(19)"))));
      assertTrue(
          fixture.events(open.session()).stream()
              .filter(e -> e[0].equals("code.edited"))
              .noneMatch(e -> new JsonObject(e[1]).containsKey("code")),
          "the stream carries a hash, never the code");
      long published =
          fixture.events(open.session()).stream().filter(e -> e[0].equals("code.edited")).count();
      assertTrue(published <= 3, "sampled, not per keystroke: " + published);
      String[] last = fixture.events(open.session()).getLast();
      assertEquals(open.user().toString(), last[2], "code.edited carries the user");
      assertTrue(last[3] != null && !last[3].isBlank(), "code.edited carries the request id");
      JsonObject data = new JsonObject(last[1]);
      assertEquals("python", data.getString("language"));
      assertEquals(9, data.getInteger("codeLength"));
      assertEquals(0, voice.of(open.session()).audioFrames.get());
      assertTrue(voice.of(open.session()).notes.isEmpty());
    }
  }

  @Test
  @DisplayName("edits spread over time are snapshotted at most once per period")
  void autoSnapshotThrottle() throws Exception {
    Open open = open(node);
    long period = 300;
    long startedAt = System.nanoTime();
    try (TestClient client = open.client()) {
      for (int i = 0; i < 25; i++) {
        client.send(
            new JsonObject()
                .put("type", "code_edit")
                .put("code", "x = " + i)
                .put("language", "python"));
        Thread.sleep(80);
      }
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
      Fixture.eventually(
          "the last edit is snapshotted",
          () ->
              fixture
                      .rows(
                          "SELECT 1 FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'auto' AND code = 'x = 24'",
                          Tuple.of(open.session()))
                      .size()
                  == 1);
      long elapsedMs = (System.nanoTime() - startedAt) / 1_000_000;
      int autos =
          fixture
              .rows(
                  "SELECT 1 FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'auto'",
                  Tuple.of(open.session()))
              .size();
      assertTrue(
          autos >= 2 && autos <= elapsedMs / period + 1,
          autos + " auto snapshots in " + elapsedMs + " ms, at most one per " + period + " ms");
    }
  }

  @Test
  @DisplayName(
      "the auto-snapshot period belongs to the session: a reconnect on another node does not restart it")
  void autoSnapshotPeriodPerSession() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient first =
        TestClient.connect(fixture.vertx, slowCodeA.port(), fixture.token(user, session))) {
      first.next("session.ready");
      first.send(
          new JsonObject().put("type", "code_edit").put("code", "v = 1").put("language", "python"));
      Fixture.eventually("the first edit is snapshotted at once", () -> autos(session).size() == 1);
    }
    try (TestClient second =
        TestClient.connect(fixture.vertx, slowCodeB.port(), fixture.token(user, session))) {
      second.next("session.ready");
      second.send(
          new JsonObject().put("type", "code_edit").put("code", "v = 2").put("language", "python"));
      Fixture.eventually("the second edit is snapshotted", () -> autos(session).size() == 2);
      List<Row> rows = autos(session);
      long gapMs =
          java.time.Duration.between(
                  rows.get(0).getOffsetDateTime("created_at"),
                  rows.get(1).getOffsetDateTime("created_at"))
              .toMillis();
      assertEquals("v = 2", rows.get(1).getString("code"));
      assertTrue(
          gapMs >= SLOW_SNAPSHOTS.toMillis() - 1_000,
          "the second write waited out the period: " + gapMs + " ms");
    }
  }

  private static List<Row> autos(UUID session) {
    return fixture.rows(
        "SELECT code, created_at FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'auto' "
            + "ORDER BY created_at",
        Tuple.of(session));
  }

  @Test
  @DisplayName(
      "session.end ends the session once: session.ended, close 1000, completed with a final snapshot")
  void sessionEnd() {
    Open open = open(node);
    try (TestClient client = open.client()) {
      client.send(
          new JsonObject()
              .put("type", "code_edit")
              .put("code", "return 42")
              .put("language", "python"));
      client.send(new JsonObject().put("type", "session.end"));
      client.send(new JsonObject().put("type", "session.end"));
      assertEquals("ended_by_user", client.next("session.ended").getString("reason"));
      assertEquals(1000, client.closeCode());
      assertEquals(
          0,
          client.messages.stream().filter(m -> m.getString("type").equals("session.ended")).count(),
          "idempotent: one session.ended");
      Row row =
          fixture.one(
              "SELECT status, ended_at, end_reason, duration_seconds FROM sessions WHERE id = $1",
              Tuple.of(open.session()));
      assertEquals("completed", row.getString("status"));
      assertEquals("ended_by_user", row.getString("end_reason"));
      assertTrue(row.getInteger("duration_seconds") >= 0);
      assertEquals(
          1,
          fixture
              .rows(
                  "SELECT 1 FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final' AND code = 'return 42'",
                  Tuple.of(open.session()))
              .size());
      fixture.event(open.session(), "session.ended", open.user());
      assertTrue(
          fixture.sessionKeys(open.session()).isEmpty(), "the session's Redis keys are gone");
    }
  }

  @Test
  @DisplayName(
      "unknown types, malformed JSON, wrong fields and odd-length audio get invalid_payload and are counted")
  void invalidPayloads() throws Exception {
    Open open = open(node);
    double before = rejected();
    try (TestClient client = open.client()) {
      List<String> bad =
          List.of(
              "{\"type\":\"conversation.item.create\"}",
              "{not json",
              "[1,2,3]",
              "{\"no\":\"type\"}",
              "{\"type\":\"code_edit\",\"code\":7,\"language\":\"python\"}",
              "{\"type\":\"code_edit\",\"code\":\"x\",\"language\":\"cobol\"}",
              "{\"type\":\"input_audio_buffer.append\",\"audio\":\"%%%\"}",
              "{\"type\":\"session.ping\",\"extra\":true}");
      for (String text : bad) {
        Fixture.await(client.ws.writeTextMessage(text));
        assertEquals("invalid_payload", client.next("error").getString("code"), text);
      }
      Fixture.await(client.ws.writeBinaryMessage(pcm(3)));
      assertEquals("invalid_payload", client.next("error").getString("code"));
      assertEquals(before + bad.size() + 1, rejected());
      assertEquals(
          1.0,
          fixture
                      .meters
                      .find("realtime.frames.rejected")
                      .tag("bucket", "unknown_type")
                      .counter()
                      .count()
                  >= 1
              ? 1.0
              : 0.0);
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
    }
  }

  @Test
  @DisplayName("a rejected frame's type is logged with the request id, never its payload")
  void rejectedTypeLogged() {
    Logger logger = (Logger) LoggerFactory.getLogger(Connection.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    Open open = open(node);
    try (TestClient client = open.client()) {
      client.send(
          new JsonObject()
              .put("type", "conversation.item.create")
              .put("text", "my secret answer 4242"));
      assertEquals("invalid_payload", client.next("error").getString("code"));
      Fixture.eventually(
          "the rejection is logged",
          () ->
              appender.list.stream()
                  .anyMatch(e -> e.getMessage().startsWith("client frame rejected")));
      ILoggingEvent event =
          appender.list.stream()
              .filter(e -> e.getMessage().startsWith("client frame rejected"))
              .findFirst()
              .orElseThrow();
      String logged = event.getFormattedMessage();
      assertTrue(logged.contains("frameType=conversation.item.create"), logged);
      assertTrue(logged.contains("bucket=unknown_type"), logged);
      assertTrue(logged.contains("requestId="), logged);
      assertTrue(
          appender.list.stream().noneMatch(e -> e.getFormattedMessage().contains("4242")),
          "no payload in any log line");
    } finally {
      logger.detachAppender(appender);
    }
  }

  private static double rejected() {
    return fixture.meters.find("realtime.frames.rejected").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  @DisplayName(
      "a binary frame of exactly 64 KiB is accepted; 64 KiB + 1 closes the socket with 1009")
  void tooBig() {
    Open open = open(node);
    try (TestClient client = open.client()) {
      Fixture.await(client.ws.writeBinaryMessage(pcm(64 * 1024)));
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
      assertEquals(
          1, voice.of(open.session()).audioFrames.get(), "the 64 KiB frame reached the voice side");
      Fixture.await(client.ws.writeBinaryMessage(pcm(64 * 1024 + 1)));
      assertEquals(1009, client.closeCode());
    }
  }

  @Test
  @DisplayName("a text frame over 64 KiB closes the socket with 1009")
  void textTooBig() {
    Open open = open(node);
    try (TestClient client = open.client()) {
      String code = "#".repeat(64 * 1024);
      Fixture.await(
          client.ws.writeTextMessage(
              new JsonObject()
                  .put("type", "code_edit")
                  .put("code", code)
                  .put("language", "python")
                  .encode()));
      assertEquals(1009, client.closeCode());
      assertTrue(
          fixture
              .rows("SELECT 1 FROM code_snapshots WHERE session_id = $1", Tuple.of(open.session()))
              .isEmpty(),
          "the oversized edit was not kept");
    }
  }

  @Test
  @DisplayName(
      "messages over the rate get rate_limited, and sustained abuse closes the socket with 1008")
  void rateLimit() throws Exception {
    Open open = open(strict);
    try (TestClient client = open.client()) {
      for (int i = 0; i < 60; i++) {
        client.ws.writeTextMessage("{\"type\":\"session.ping\"}");
      }
      assertEquals("rate_limited", client.next("error").getString("code"));
      long pongs = client.messages.stream().filter(m -> m.getString("type").equals("pong")).count();
      assertTrue(pongs <= 41, "at most the burst is answered: " + pongs);
      long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (!client.closed.isDone() && System.nanoTime() < until) {
        client.ws.writeTextMessage("{\"type\":\"session.ping\"}");
        Thread.sleep(10);
      }
      assertEquals(1008, client.closeCode());
    }
  }

  @Test
  @DisplayName("audio frames over their own rate get rate_limited while JSON still flows")
  void audioRateLimit() {
    Open open = open(strict);
    try (TestClient client = open.client()) {
      Buffer frame = pcm(480);
      for (int i = 0; i < 150; i++) {
        client.ws.writeBinaryMessage(frame);
      }
      assertEquals("rate_limited", client.next("error").getString("code"));
      client.send(new JsonObject().put("type", "session.ping"));
      client.next("pong");
      int delivered = voice.of(open.session()).audioFrames.get();
      assertTrue(
          delivered >= 100 && delivered < 150,
          "the burst passes, the rest is dropped: " + delivered);
    }
  }

  /**
   * Replaces {@code open}'s socket with one that has a small receive buffer and reads nothing, then
   * sends {@code frames} audio frames of 32 KiB, which the voice side echoes back to it.
   */
  private static TestClient floodedSlowReader(Fixture.Node at, Open open, int frames) {
    TestClient client =
        TestClient.connect(
            fixture.vertx,
            at.port(),
            "/ws",
            List.of("interview.v1", fixture.token(open.user(), open.session())),
            new WebSocketClientOptions().setReceiveBufferSize(8 * 1024));
    open.client().closeCode();
    client.next("session.ready");
    client.ws.pause();
    Buffer frame = pcm(32 * 1024);
    for (int i = 0; i < frames; i++) {
      Fixture.await(client.ws.writeBinaryMessage(frame));
    }
    return client;
  }

  @Test
  @DisplayName(
      "a reader too slow for control messages (their bounded queue overflows) is closed with 1008")
  void controlOverflow() throws Exception {
    Open open = open(tightControl);
    try (TestClient client = floodedSlowReader(tightControl, open, 300)) {
      Fixture.eventually(
          "the socket's write queue is full",
          () -> tightControl.gateway().outboundAudio(open.session())[0] > 0);
      for (int i = 0; i < 30; i++) {
        client.ws.writeTextMessage("{\"type\":\"session.ping\"}");
      }
      // reading again before the server has handled the pings would drain its queue and let the
      // pongs through
      Fixture.eventually("the control queue overflowed", () -> overflows() > 0);
      client.ws.resume();
      // the close frame is behind megabytes of audio the kernel buffered, read through an 8 KiB
      // window
      assertEquals((short) 1008, client.closed.get(90, java.util.concurrent.TimeUnit.SECONDS));
      Fixture.eventually(
          "the socket is released", () -> tightControl.gateway().sessionsHeld() == 0);
    }
  }

  private double overflows() {
    var counter = fixture.meters.find("realtime.outbound.control.overflow").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName(
      "a slow reader loses old audio, never memory: the outbound queue stays under its bound")
  void slowReader() throws Exception {
    Open open = open(flood);
    try (TestClient client = floodedSlowReader(flood, open, 600)) {
      Fixture.eventually(
          "old audio is dropped", () -> flood.gateway().outboundAudio(open.session())[2] > 0);
      long[] stats = flood.gateway().outboundAudio(open.session());
      assertTrue(stats[1] <= AUDIO_CAP, "queued audio stayed under the cap: " + stats[1]);
      assertTrue(fixture.meters.find("realtime.outbound.audio.dropped").counter().count() > 0);
      client.send(new JsonObject().put("type", "session.ping"));
      client.ws.resume();
      client.next("pong");
    }
  }
}
