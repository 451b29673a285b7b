package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.common.auth.Audiences;
import com.interviewroom.common.auth.SigningKey;
import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.realtime.timer.Deadlines;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The /ws handshake")
class HandshakeTest extends GatewayTest {
  private TestClient connect(String token) {
    return TestClient.connect(fixture.vertx, node.port(), token);
  }

  private void assertRefused(TestClient client) {
    assertEquals(RealtimeGateway.UNAUTHORIZED, client.closeCode());
    assertEquals("Unauthorized", client.ws.closeReason());
    assertTrue(client.messages.isEmpty(), "nothing but the close code is disclosed");
  }

  @Test
  @DisplayName(
      "a valid token is accepted, interview.v1 is selected and the first connect activates the session")
  void validToken() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    String token = fixture.token(user, session);
    try (TestClient client = connect(token)) {
      assertEquals("interview.v1", client.ws.subProtocol());
      JsonObject ready = client.next("session.ready");
      assertEquals(session.toString(), ready.getString("sessionId"));
      long remaining = ready.getLong("remainingMs");
      assertTrue(
          remaining > Duration.ofMinutes(29).toMillis()
              && remaining <= Duration.ofMinutes(30).toMillis(),
          "30 minute problem");
      Row row =
          fixture.one(
              "SELECT status, started_at, deadline_at FROM sessions WHERE id = $1",
              Tuple.of(session));
      assertEquals("active", row.getString("status"));
      assertNotNull(row.getOffsetDateTime("started_at"));
      long redisDeadline =
          fixture.redis(Request.cmd(Command.GET).arg(Deadlines.deadlineKey(session))).toLong();
      assertEquals(row.getOffsetDateTime("deadline_at").toInstant().toEpochMilli(), redisDeadline);
      String[] started = fixture.event(session, "session.started", user);
      // the events log's activation row carries the same request id as the stream entry of the same
      // handshake
      Row activated =
          fixture.one(
              "SELECT request_id FROM events WHERE session_id = $1 AND kind = 'session.activated'",
              Tuple.of(session));
      assertEquals(started[3], activated.getString("request_id"));
      long jtiTtl =
          fixture
              .redis(
                  Request.cmd(Command.PTTL)
                      .arg(HandshakeAuth.jtiKey(payload(token).getString("jti"))))
              .toLong();
      assertTrue(
          jtiTtl > 0 && jtiTtl <= Duration.ofHours(2).toMillis(),
          "the claimed jti expires within 2 h: " + jtiTtl);
    }
  }

  @Test
  @DisplayName("an expired token is refused with 4001")
  void expired() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    String token =
        fixture.issuer.sign(
            fixture
                .issuer
                .base(user, Audiences.REALTIME, Duration.ofMinutes(-5))
                .claim("sid", session.toString())
                .build());
    try (TestClient client = connect(token)) {
      assertRefused(client);
    }
  }

  @Test
  @DisplayName("an access token (wrong audience) is refused with 4001")
  void wrongAudience() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    String token =
        fixture.issuer.sign(
            fixture
                .issuer
                .base(user, Audiences.API, Duration.ofMinutes(1))
                .claim("sid", session.toString())
                .build());
    try (TestClient client = connect(token)) {
      assertRefused(client);
    }
  }

  @Test
  @DisplayName("a token signed by another key under our issuer name is refused with 4001")
  void forged() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    TokenIssuer forger = new TokenIssuer(SigningKey.generate(), Fixture.ISSUER, Clock.systemUTC());
    try (TestClient client = connect(forger.realtimeToken(user, session))) {
      assertRefused(client);
    }
  }

  @Test
  @DisplayName(
      "a token signed by another key that claims our key id fails the signature check: 4001")
  void forgedUnderOurKeyId() throws Exception {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    Path file = Files.createTempDirectory("forger").resolve("key.json");
    Files.writeString(
        file,
        new ECKeyGenerator(Curve.P_256)
            .keyID(fixture.key.keyId())
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.ES256)
            .generate()
            .toJSONString());
    SigningKey sameKid = SigningKey.loadOrCreate(file);
    assertEquals(fixture.key.keyId(), sameKid.keyId());
    TokenIssuer forger = new TokenIssuer(sameKid, Fixture.ISSUER, Clock.systemUTC());
    try (TestClient client = connect(forger.realtimeToken(user, session))) {
      assertRefused(client);
    }
    assertScheduled(session);
  }

  @Test
  @DisplayName(
      "a genuine token whose payload was changed (another sid, another sub) keeps its signature and is refused with 4001")
  void tamperedPayload() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    UUID otherUser = fixture.user();
    UUID otherSession = fixture.scheduledSession(otherUser);
    String genuine = fixture.token(otherUser, otherSession);
    for (JsonObject change :
        List.of(
            new JsonObject().put("sid", session.toString()),
            new JsonObject().put("sub", user.toString()).put("sid", session.toString()))) {
      try (TestClient client = connect(withPayload(genuine, change))) {
        assertRefused(client);
      }
    }
    assertScheduled(session);
    assertScheduled(otherSession);
    assertNull(
        fixture.redis(
            Request.cmd(Command.GET).arg(HandshakeAuth.jtiKey(payload(genuine).getString("jti")))),
        "refused at the signature, before the jti is claimed");
  }

  /** The token with {@code change} merged into its payload; header and signature untouched. */
  private static String withPayload(String token, JsonObject change) {
    String[] parts = token.split("\\.");
    JsonObject payload = payload(token).mergeIn(change);
    String tampered =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    return parts[0] + "." + tampered + "." + parts[2];
  }

  static JsonObject payload(String token) {
    return new JsonObject(
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("a token from our key under another issuer name is refused with 4001")
  void wrongIssuer() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    TokenIssuer elsewhere =
        new TokenIssuer(fixture.key, "http://elsewhere.example", Clock.systemUTC());
    try (TestClient client = connect(elsewhere.realtimeToken(user, session))) {
      assertRefused(client);
    }
    assertScheduled(session);
  }

  @Test
  @DisplayName("a valid token for a session that does not exist is refused with 4001")
  void unknownSession() {
    UUID user = fixture.user();
    try (TestClient client = connect(fixture.token(user, UUID.randomUUID()))) {
      assertRefused(client);
    }
  }

  private static void assertScheduled(UUID session) {
    assertEquals(
        "scheduled",
        fixture
            .one("SELECT status FROM sessions WHERE id = $1", Tuple.of(session))
            .getString("status"),
        "a refused handshake changes nothing");
  }

  @Test
  @DisplayName("a replayed token is refused with 4001")
  void replayed() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    String token = fixture.token(user, session);
    try (TestClient first = connect(token)) {
      first.next("session.ready");
      try (TestClient second = connect(token)) {
        assertRefused(second);
      }
    }
  }

  @Test
  @DisplayName(
      "a token in the query string is refused with 4001, even alongside a valid protocol header")
  void queryString() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    String token = fixture.token(user, session);
    try (TestClient client =
        TestClient.connect(
            fixture.vertx,
            node.port(),
            "/ws?token=" + fixture.token(user, session),
            List.of("interview.v1", token),
            new WebSocketClientOptions())) {
      assertRefused(client);
    }
    Row row = fixture.one("SELECT status FROM sessions WHERE id = $1", Tuple.of(session));
    assertEquals("scheduled", row.getString("status"), "a refused handshake changes nothing");
  }

  @Test
  @DisplayName("a token for another user's session is refused with 4001")
  void otherUsersSession() {
    UUID owner = fixture.user();
    UUID intruder = fixture.user();
    UUID session = fixture.scheduledSession(owner);
    try (TestClient client = connect(fixture.token(intruder, session))) {
      assertRefused(client);
    }
  }

  @Test
  @DisplayName("a completed session cannot be joined: 4001")
  void completedSession() {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    fixture.one(
        "UPDATE sessions SET status = 'completed' WHERE id = $1 RETURNING id", Tuple.of(session));
    try (TestClient client = connect(fixture.token(user, session))) {
      assertRefused(client);
    }
  }

  @Test
  @DisplayName("the realtime role's own server answers /health with the open socket count")
  void health() {
    io.vertx.core.http.HttpClient http = fixture.vertx.createHttpClient();
    try {
      JsonObject body =
          Fixture.await(
                  http.request(
                          io.vertx.core.http.HttpMethod.GET, node.port(), "127.0.0.1", "/health")
                      .compose(request -> request.send())
                      .compose(response -> response.body()))
              .toJsonObject();
      assertEquals("ok", body.getString("status"));
      assertTrue(body.containsKey("openSockets"));
    } finally {
      http.close();
    }
  }

  @Test
  @DisplayName("without a token in the protocol header the socket is refused with 4001")
  void noToken() {
    try (TestClient client =
        TestClient.connect(
            fixture.vertx,
            node.port(),
            "/ws",
            List.of("interview.v1"),
            new WebSocketClientOptions())) {
      assertRefused(client);
    }
  }
}
