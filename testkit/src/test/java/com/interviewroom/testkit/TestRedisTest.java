package com.interviewroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TestRedisTest {

  @Test
  @DisplayName("the test Redis answers PING at the URL it hands out, the same URL every time")
  void answersPing() throws Exception {
    URI uri = URI.create(TestRedis.url());

    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int n = in.readNBytes(reply, 0, 7);
      assertThat(new String(reply, 0, n, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
    }
    assertThat(TestRedis.url()).isEqualTo(uri.toString());
  }
}
