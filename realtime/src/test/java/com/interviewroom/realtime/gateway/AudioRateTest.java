package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.gateway.Fixture.Opened;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The audio byte rate (issue 21.6): real time with a burst passes, more never reaches the provider,
 * sustained abuse is closed.
 */
@DisplayName("Audio byte rate")
class AudioRateTest {
  static final int RATE = 48_000;
  static final int BURST = 96_000;
  static Fixture fixture;
  static Fixture.Node defaults;
  static Fixture.Node strict;
  static EchoVoice voice = new EchoVoice(0);

  @BeforeAll
  static void start() {
    fixture = new Fixture();
    defaults = fixture.node(GatewaySettings.from(Config.from(Map.of()).realtime()), voice);
    strict =
        fixture.node(
            GatewaySettings.defaults()
                .withAudioBytes(new GatewaySettings.RateLimit(RATE, BURST))
                .withRates(
                    new GatewaySettings.RateLimit(1000, 1000),
                    new GatewaySettings.RateLimit(20, 40),
                    Duration.ofMillis(1500)),
            voice);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  @DisplayName(
      "by default 3 s of 24 kHz PCM16 sent at once passes whole (a browser catching up after a stall)")
  void burstOfRealTimeAudioPasses() throws Exception {
    assertEquals(
        52_800, GatewaySettings.from(Config.from(Map.of()).realtime()).audioBytes().perSecond());
    Opened opened = fixture.ready(defaults);
    try (RawSocket socket = opened.socket()) {
      for (int i = 0; i < 30; i++) {
        socket.frame(RawSocket.FIN | RawSocket.BINARY, new byte[4_800]);
      }
      socket.text("{\"type\":\"session.ping\"}");
      assertTrue(socket.awaitText("pong", Duration.ofSeconds(15)));
      assertEquals(30 * 4_800, voice.of(opened.session()).audioBytes.get());
      assertTrue(
          socket.texts.stream().noneMatch(t -> t.contains("rate_limited")),
          "no rate_limited error");
    }
  }

  @Test
  @DisplayName(
      "64 KiB frames 20 times a second (27x real time): beyond burst + rate nothing reaches the provider; rate_limited, then the error and close 1008")
  void abuserClosed() throws Exception {
    Opened opened = fixture.ready(strict);
    long started = System.nanoTime();
    int sent = 0;
    try (RawSocket socket = opened.socket()) {
      byte[] big = new byte[64 * 1024];
      String base64 =
          new JsonObject()
              .put("type", "input_audio_buffer.append")
              .put("audio", Base64.getEncoder().encodeToString(new byte[16 * 1024]))
              .encode();
      try {
        while (System.nanoTime() - started < Duration.ofSeconds(4).toNanos()) {
          socket.frame(RawSocket.FIN | RawSocket.BINARY, big);
          socket.text(base64); // base64 audio counts against the same bytes
          sent += big.length + 16 * 1024;
          Thread.sleep(50);
        }
      } catch (IOException closedMeanwhile) {
        // the server closed the socket while we were still sending: that is the point
      }
      assertEquals(Connection.POLICY_VIOLATION, socket.closeCode());
      double seconds = (System.nanoTime() - started) / 1e9;
      long relayed = voice.of(opened.session()).audioBytes.get();
      assertTrue(
          relayed <= BURST + RATE * seconds, relayed + " bytes relayed in " + seconds + " s");
      assertTrue(relayed < sent / 4, "most was dropped: " + relayed + " of " + sent);
      assertTrue(
          socket.texts.stream().anyMatch(t -> t.contains("rate_limited")),
          "told rate_limited first");
    }
  }
}
