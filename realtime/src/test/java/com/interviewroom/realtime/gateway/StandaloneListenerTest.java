package com.interviewroom.realtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code ROLE=realtime} runs its own public listener: it must carry the same HTTP guard as the
 * edge's.
 */
class StandaloneListenerTest {
  private static Fixture fixture;
  private static int port;

  @BeforeAll
  static void start() {
    fixture = new Fixture();
    port = fixture.node(GatewaySettings.defaults(), new EchoVoice(1)).port();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  @DisplayName(
      "a request with both Content-Length and Transfer-Encoding is refused with 400 and the connection closed")
  void ambiguousFramingRefused() throws Exception {
    String reply =
        exchange(
            "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(reply).startsWith("HTTP/1.1 400");
    assertThat(reply)
        .as("nothing after the refused request is answered")
        .doesNotContain("\"status\":\"ok\"");
  }

  @Test
  @DisplayName("a well-formed request is served")
  void plainRequestServed() throws Exception {
    assertThat(exchange("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200")
        .contains("\"status\":\"ok\"");
  }

  /** Writes the raw request and reads until the server closes the connection. */
  private static String exchange(String raw) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
