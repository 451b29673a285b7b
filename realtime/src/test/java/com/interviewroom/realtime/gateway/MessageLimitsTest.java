package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.realtime.gateway.Fixture.Opened;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Messages as the gateway assembles them from frames: UTF-8, size across fragments, duplicate JSON
 * names (issue 21.14).
 */
@DisplayName("Message assembly and its limits")
class MessageLimitsTest extends GatewayTest {
  @Test
  @DisplayName("a text frame that is not valid UTF-8 closes the socket with 1007")
  void invalidUtf8() throws Exception {
    Opened opened = fixture.ready(node);
    try (RawSocket socket = opened.socket()) {
      // {"type":"session.ping"} with a lone continuation byte inside the type
      byte[] bad = "{\"type\":\"session.ping\u0000\"}".getBytes(StandardCharsets.UTF_8);
      bad[bad.length - 3] = (byte) 0x80;
      socket.frame(RawSocket.FIN | RawSocket.TEXT, bad);
      assertEquals(1007, socket.closeCode());
    }
  }

  @Test
  @DisplayName("an overlong UTF-8 encoding (a disguised quote) is invalid too: 1007")
  void overlongUtf8() throws Exception {
    Opened opened = fixture.ready(node);
    try (RawSocket socket = opened.socket()) {
      byte[] start = "{\"type\":\"session.ping".getBytes(StandardCharsets.US_ASCII);
      byte[] frame = new byte[start.length + 3];
      System.arraycopy(start, 0, frame, 0, start.length);
      frame[start.length] = (byte) 0xc0; // overlong '"'
      frame[start.length + 1] = (byte) 0xa2;
      frame[start.length + 2] = '}';
      socket.frame(RawSocket.FIN | RawSocket.TEXT, frame);
      assertEquals(1007, socket.closeCode());
    }
  }

  @Test
  @DisplayName(
      "fragments are counted together: a message growing past 64 KiB closes 1009 at the fragment that crosses it")
  void fragmentedOverLimit() throws Exception {
    Opened opened = fixture.ready(node);
    try (RawSocket socket = opened.socket()) {
      byte[] fragment = new byte[30 * 1024];
      socket.frame(RawSocket.BINARY, fragment);
      socket.frame(RawSocket.CONTINUATION, fragment);
      socket.frame(RawSocket.CONTINUATION, fragment);
      assertEquals(1009, socket.closeCode());
      assertEquals(0, voice.of(opened.session()).audioFrames.get(), "nothing of it was relayed");
    }
  }

  @Test
  @DisplayName("a fragmented text message over 64 KiB closes 1009 as well")
  void fragmentedTextOverLimit() throws Exception {
    Opened opened = fixture.ready(node);
    try (RawSocket socket = opened.socket()) {
      byte[] fragment =
          ("{\"type\":\"code_edit\",\"code\":\"" + "#".repeat(40 * 1024))
              .getBytes(StandardCharsets.UTF_8);
      socket.frame(RawSocket.TEXT, fragment);
      socket.frame(RawSocket.CONTINUATION, "#".repeat(40 * 1024).getBytes(StandardCharsets.UTF_8));
      assertEquals(1009, socket.closeCode());
      assertTrue(
          fixture
              .rows(
                  "SELECT 1 FROM code_snapshots WHERE session_id = $1", Tuple.of(opened.session()))
              .isEmpty());
    }
  }

  @Test
  @DisplayName("a message in several fragments under the limit is assembled and relayed as one")
  void fragmentedUnderLimit() throws Exception {
    Opened opened = fixture.ready(node);
    try (RawSocket socket = opened.socket()) {
      socket.frame(RawSocket.BINARY, new byte[960]);
      socket.frame(RawSocket.CONTINUATION, new byte[960]);
      socket.frame(RawSocket.FIN | RawSocket.CONTINUATION, new byte[960]);
      socket.frame(RawSocket.TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8));
      socket.frame(
          RawSocket.FIN | RawSocket.CONTINUATION,
          "\"session.ping\"}".getBytes(StandardCharsets.UTF_8));
      assertTrue(socket.awaitText("pong", Duration.ofSeconds(15)));
      assertEquals(1, voice.of(opened.session()).audioFrames.get());
      assertEquals(2880, voice.of(opened.session()).audioBytes.get());
    }
  }

  @Test
  @DisplayName("a JSON frame naming a field twice is refused with invalid_payload and not acted on")
  void duplicateKeys() throws Exception {
    Opened opened = fixture.ready(node);
    try (RawSocket socket = opened.socket()) {
      socket.text("{\"type\":\"session.ping\",\"type\":\"session.end\"}");
      assertTrue(socket.awaitText("invalid_payload", Duration.ofSeconds(15)));
      socket.text("{\"type\":\"session.ping\"}");
      assertTrue(socket.awaitText("pong", Duration.ofSeconds(15)), "the socket stays open");
      assertEquals(
          "active",
          fixture
              .one("SELECT status FROM sessions WHERE id = $1", Tuple.of(opened.session()))
              .getString("status"));
    }
  }
}
