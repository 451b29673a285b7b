package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gateway announces a candidate socket that went away mid-interview (socket.dropped), never an
 * ended one.
 */
class SocketDropTest {
  static Fixture fixture;
  static Fixture.Node node;

  @BeforeAll
  static void start() {
    fixture = new Fixture();
    node = fixture.node(GatewaySettings.defaults(), new EchoVoice(0));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static long dropped(UUID session) {
    return fixture.events(session).stream().filter(e -> e[0].equals("socket.dropped")).count();
  }

  @Test
  @DisplayName(
      "a ready socket closed by the client without ending is one socket.dropped; reconnecting and ending adds none")
  void droppedThenEnded() throws Exception {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    try (TestClient client =
        TestClient.connect(fixture.vertx, node.port(), fixture.token(user, session))) {
      client.next("session.ready");
    }
    Fixture.eventually("socket.dropped published", () -> dropped(session) == 1);
    try (TestClient again =
        TestClient.connect(fixture.vertx, node.port(), fixture.token(user, session))) {
      again.next("session.ready");
      again.send(new JsonObject().put("type", "session.end"));
      again.next("session.ended");
    }
    Fixture.eventually(
        "session.ended published",
        () -> fixture.events(session).stream().anyMatch(e -> e[0].equals("session.ended")));
    Thread.sleep(300);
    assertEquals(1, dropped(session), "the ended socket is not a drop");
  }
}
