package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Client frame parsing and the token bucket")
class ClientFrameTest {

  @Test
  @DisplayName("a rejected type is cleaned and truncated before it can reach a log line")
  void loggableType() {
    String hostile = "evil\n{\"level\":\"ERROR\"}" + "x".repeat(100);
    ClientFrame.Invalid invalid =
        assertInstanceOf(
            ClientFrame.Invalid.class,
            ClientFrame.parse("{\"type\":" + io.vertx.core.json.Json.encode(hostile) + "}"));
    assertEquals("unknown_type", invalid.bucket());
    assertEquals(40, invalid.type().length());
    assertFalse(invalid.type().contains("\n") || invalid.type().contains("\""));
  }

  @Test
  @DisplayName(
      "a field named twice makes the frame malformed, whichever value a lenient parser would keep")
  void duplicateNames() {
    assertEquals(
        "malformed",
        assertInstanceOf(
                ClientFrame.Invalid.class,
                ClientFrame.parse("{\"type\":\"session.ping\",\"type\":\"session.end\"}"))
            .bucket());
    assertEquals(
        "malformed",
        assertInstanceOf(
                ClientFrame.Invalid.class,
                ClientFrame.parse(
                    "{\"type\":\"code_edit\",\"code\":\"a\",\"language\":\"java\",\"code\":\"b\"}"))
            .bucket());
    assertEquals(
        "malformed",
        assertInstanceOf(ClientFrame.Invalid.class, ClientFrame.parse("null")).bucket());
    assertEquals(
        "malformed",
        assertInstanceOf(ClientFrame.Invalid.class, ClientFrame.parse("\"text\"")).bucket());
    assertInstanceOf(ClientFrame.Ping.class, ClientFrame.parse("{\"type\":\"session.ping\"}"));
  }

  @Test
  @DisplayName("code_edit needs a string code, a supported language and nothing else")
  void codeEdit() {
    assertInstanceOf(
        ClientFrame.CodeEdit.class,
        ClientFrame.parse("{\"type\":\"code_edit\",\"code\":\"\",\"language\":\"java\"}"));
    assertInstanceOf(
        ClientFrame.Invalid.class, ClientFrame.parse("{\"type\":\"code_edit\",\"code\":\"x\"}"));
    assertInstanceOf(
        ClientFrame.Invalid.class,
        ClientFrame.parse(
            "{\"type\":\"code_edit\",\"code\":\""
                + "a".repeat(51_201)
                + "\",\"language\":\"java\"}"));
  }

  @Test
  @DisplayName("the bucket lets the burst through, then refills at its rate")
  void bucket() {
    TokenBucket bucket = new TokenBucket(new GatewaySettings.RateLimit(10, 3), 0);
    assertTrue(bucket.take(0));
    assertTrue(bucket.take(0));
    assertTrue(bucket.take(0));
    assertFalse(bucket.take(0));
    assertFalse(bucket.take(50_000_000L));
    assertTrue(bucket.take(100_000_000L));
  }

  @Test
  @DisplayName("abuse is a streak of rejections without a quiet second")
  void abuse() {
    Abuse abuse = new Abuse(2_000_000_000L);
    assertFalse(abuse.rejected(0));
    assertFalse(abuse.rejected(900_000_000L));
    assertFalse(abuse.rejected(1_800_000_000L));
    assertTrue(abuse.rejected(2_100_000_000L));
    assertFalse(abuse.rejected(4_000_000_000L), "a quiet second starts a new streak");
  }
}
