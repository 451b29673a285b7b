package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.VoiceProvider;
import com.interviewroom.realtime.voice.providers.VoiceProviders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No compression on the candidates' socket, nor on the provider's: a compressed frame is inflated
 * before any size check, so one small frame could cost seconds of CPU and hundreds of megabytes
 * (issue 21.1); and deflating PCM audio costs CPU for nothing (issue 16).
 */
@DisplayName("WebSocket compression")
class CompressionTest extends GatewayTest {
  private record Opened(UUID session, RawSocket socket) {}

  private Opened browser() throws IOException {
    UUID user = fixture.user();
    UUID session = fixture.scheduledSession(user);
    return new Opened(session, RawSocket.browser(node.port(), fixture.token(user, session)));
  }

  @Test
  @DisplayName(
      "a browser handshake offering permessage-deflate is answered without Sec-WebSocket-Extensions, and nothing it receives is compressed")
  void handshakeNeverNegotiatesDeflate() throws Exception {
    Opened opened = browser();
    try (RawSocket socket = opened.socket()) {
      assertTrue(socket.statusLine.startsWith("HTTP/1.1 101"), socket.statusLine);
      assertEquals("interview.v1", socket.headers.get("sec-websocket-protocol"));
      assertNull(
          socket.headers.get("sec-websocket-extensions"),
          "no extension negotiated: " + socket.headers);
      assertTrue(socket.awaitText("session.ready", Duration.ofSeconds(15)));
      assertFalse(socket.sawCompressedFrame);
    }
  }

  @Test
  @DisplayName(
      "a refused handshake offering permessage-deflate negotiates nothing either, and closes 4001")
  void refusedHandshakeNeverNegotiatesDeflate() throws Exception {
    try (RawSocket socket =
        RawSocket.open(
            node.port(),
            Map.of(
                "Sec-WebSocket-Protocol", "interview.v1, not-a-token",
                "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
      assertTrue(socket.statusLine.startsWith("HTTP/1.1 101"), socket.statusLine);
      assertNull(socket.headers.get("sec-websocket-extensions"));
      assertEquals(RealtimeGateway.UNAUTHORIZED, socket.closeCode());
    }
  }

  @Test
  @DisplayName(
      "a frame with the compression bit set is a protocol error: closed 1002, never inflated nor relayed")
  void compressedFrameRefused() throws Exception {
    Opened opened = browser();
    try (RawSocket socket = opened.socket()) {
      assertTrue(socket.awaitText("session.ready", Duration.ofSeconds(15)));
      // "hello" deflated (RFC 7692 §7.2.3.1); with deflate negotiated this would inflate to 5 bytes
      // of audio
      socket.frame(
          RawSocket.FIN | RawSocket.RSV1 | RawSocket.BINARY,
          new byte[] {(byte) 0xf2, 0x48, (byte) 0xcd, (byte) 0xc9, (byte) 0xc9, 0x07, 0x00});
      assertEquals(1002, socket.closeCode());
      assertEquals(0, voice.of(opened.session()).audioFrames.get());
    }
  }

  @Test
  @DisplayName(
      "the provider client offers no compression either (a provider could otherwise send a deflate bomb)")
  void providerClientOffersNoCompression() throws Exception {
    CompletableFuture<String> offered = new CompletableFuture<>();
    // a provider that would accept deflate if offered
    HttpServer provider =
        fixture.vertx.createHttpServer(
            new HttpServerOptions()
                .setPerMessageWebSocketCompressionSupported(true)
                .setPerFrameWebSocketCompressionSupported(true));
    provider.webSocketHandshakeHandler(
        handshake -> {
          offered.complete(String.valueOf(handshake.headers().get("Sec-WebSocket-Extensions")));
          handshake.accept();
        });
    int port = Fixture.await(provider.listen(0, "127.0.0.1")).actualPort();
    VoiceProviders providers =
        new VoiceProviders(
            fixture.vertx,
            new Config.Providers(
                "sk-test", "ws://127.0.0.1:" + port + "/v1/realtime", null, null, null, null));
    try {
      VoiceProvider openAi = providers.apply("openai");
      fixture.vertx.runOnContext(
          v ->
              openAi.connect(
                  new InterviewContext(
                      UUID.randomUUID(),
                      UUID.randomUUID(),
                      "Two Sum",
                      "Find two numbers.",
                      "easy",
                      "python",
                      "mid",
                      Duration.ofMinutes(30).toMillis(),
                      List.of()),
                  event -> {}));
      assertEquals(
          "null", offered.get(15, TimeUnit.SECONDS), "the provider client offers no extension");
    } finally {
      Fixture.await(providers.close());
      Fixture.await(provider.close());
    }
  }
}
