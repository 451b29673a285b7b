package com.interviewroom.realtime.voice.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.interviewroom.realtime.support.Loop;
import com.interviewroom.realtime.support.VoiceTestBed;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.VoiceEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Audio deltas through the provider: the fast path, frames it leaves to the full parse (an escaped
 * id, the beta event name) and a truncated frame (dropped, as before) give the same events, and the
 * audio item a barge-in truncates is the one whose audio came last, whichever path read it.
 */
class OpenAiAudioDeltaPathTest extends VoiceTestBed {
  private static FakeOpenAiRealtime fake;
  private static int port;

  @BeforeAll
  static void up() {
    fake = new FakeOpenAiRealtime(vertx);
    port = fake.start();
  }

  @AfterAll
  static void down() {
    fake.close();
  }

  private static String delta(String type, String itemJson, byte[] audio) {
    return "{\"type\":\""
        + type
        + "\",\"event_id\":\"event_1\",\"response_id\":\"resp_1\",\"item_id\":"
        + itemJson
        + ",\"output_index\":0,\"content_index\":0,\"delta\":\""
        + Base64.getEncoder().encodeToString(audio)
        + "\"}";
  }

  @DisplayName(
      "fast-path, fallback and malformed audio deltas give today's events; a barge-in truncates the last audio item")
  @Test
  void fastAndFullPathAgree() {
    List<VoiceEvent> events = new CopyOnWriteArrayList<>();
    OpenAiRealtimeProvider provider =
        new OpenAiRealtimeProvider(
            vertx.createWebSocketClient(),
            fake.url(port),
            FakeOpenAiRealtime.KEY,
            "gpt-realtime",
            "gpt-4o-mini-transcribe");
    // a resumed conversation: no greeting, so the only audio is what this test sends
    InterviewContext context =
        new InterviewContext(
            UUID.randomUUID(),
            UUID.randomUUID(),
            "Two Sum",
            "Return two indices.",
            "easy",
            "python",
            "mid",
            1_800_000,
            List.of(new InterviewContext.TranscriptLine("assistant", "item_0", "Hello.")));
    new Loop(vertx).await(() -> provider.connect(context, events::add));
    byte[] a = FakeOpenAiRealtime.tone(0);
    byte[] b = FakeOpenAiRealtime.tone(1);
    byte[] c = FakeOpenAiRealtime.tone(2);
    String fast = delta("response.output_audio.delta", "\"item_A\"", a);
    assertThat(AudioDeltaScanner.scan(fast)).isNotNull();
    String escaped = delta("response.output_audio.delta", "\"item\\u005fB\"", b);
    String beta = delta("response.audio.delta", "\"item_C\"", c);
    ServerWebSocket socket = fake.open.iterator().next();
    vertx.runOnContext(
        v -> {
          socket.writeTextMessage(escaped);
          socket.writeTextMessage(fast.substring(0, fast.length() - 40)); // truncated: dropped
          socket.writeTextMessage(beta);
          socket.writeTextMessage(fast);
          socket.writeTextMessage(
              new JsonObject()
                  .put("type", "input_audio_buffer.speech_started")
                  .put("event_id", "e")
                  .put("audio_start_ms", 0)
                  .put("item_id", "item_u")
                  .encode());
        });
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> events.stream().anyMatch(e -> e instanceof VoiceEvent.SpeechStarted),
        "speech_started");
    assertThat(
            events.stream()
                .filter(e -> e instanceof VoiceEvent.Audio)
                .map(e -> (VoiceEvent.Audio) e)
                .toList())
        .extracting(VoiceEvent.Audio::itemId, e -> e.pcm16At24k().getBytes())
        .containsExactly(tuple("item_B", b), tuple("item_C", c), tuple("item_A", a));
    fake.received.clear();
    vertx.runOnContext(v -> provider.cancel(250));
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> !fake.received("conversation.item.truncate").isEmpty(),
        "truncate");
    assertThat(fake.received("conversation.item.truncate").get(0).getString("item_id"))
        .isEqualTo("item_A");
    new Loop(vertx).await(provider::disconnect);
  }

  @DisplayName(
      "the provider's messages split into fragments, a UTF-8 item id cut mid-character among them, read as whole ones; binary messages are ignored")
  @Test
  void fragmentedMessages() {
    List<VoiceEvent> events = new CopyOnWriteArrayList<>();
    OpenAiRealtimeProvider provider =
        new OpenAiRealtimeProvider(
            vertx.createWebSocketClient(),
            fake.url(port),
            FakeOpenAiRealtime.KEY,
            "gpt-realtime",
            "gpt-4o-mini-transcribe");
    InterviewContext context =
        new InterviewContext(
            UUID.randomUUID(),
            UUID.randomUUID(),
            "Two Sum",
            "Return two indices.",
            "easy",
            "python",
            "mid",
            1_800_000,
            List.of(new InterviewContext.TranscriptLine("assistant", "item_0", "Hello.")));
    new Loop(vertx).await(() -> provider.connect(context, events::add));
    byte[] a = FakeOpenAiRealtime.tone(3);
    byte[] b = FakeOpenAiRealtime.tone(4);
    byte[] split =
        delta("response.output_audio.delta", "\"item_\u00e9t\u00e9\"", a)
            .getBytes(StandardCharsets.UTF_8);
    int cut =
        new String(split, StandardCharsets.UTF_8).indexOf("item_")
            + 6; // inside the two bytes of the first é
    byte[] speech =
        new JsonObject()
            .put("type", "input_audio_buffer.speech_started")
            .put("event_id", "e")
            .put("audio_start_ms", 0)
            .put("item_id", "item_u")
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    String whole = delta("response.output_audio.delta", "\"item_W\"", b);
    ServerWebSocket socket = fake.open.iterator().next();
    vertx.runOnContext(
        v -> {
          socket.writeFrame(
              new WebSocketFrameImpl(
                  WebSocketFrameType.TEXT, Arrays.copyOfRange(split, 0, cut), false));
          socket.writeFrame(
              WebSocketFrame.continuationFrame(
                  Buffer.buffer(Arrays.copyOfRange(split, cut, 3_000)), false));
          socket.writeFrame(
              WebSocketFrame.continuationFrame(
                  Buffer.buffer(Arrays.copyOfRange(split, 3_000, split.length)), true));
          socket.writeFrame(
              WebSocketFrame.binaryFrame(Buffer.buffer(whole), true)); // not the protocol: ignored
          socket.writeFrame(
              new WebSocketFrameImpl(
                  WebSocketFrameType.TEXT, Arrays.copyOfRange(speech, 0, 10), false));
          socket.writeFrame(
              WebSocketFrame.continuationFrame(
                  Buffer.buffer(Arrays.copyOfRange(speech, 10, speech.length)), true));
          socket.writeTextMessage(whole);
        });
    Loop.eventually(
        Duration.ofSeconds(5),
        () -> events.stream().filter(e -> e instanceof VoiceEvent.Audio).count() >= 2,
        "audio");
    assertThat(
            events.stream()
                .filter(e -> e instanceof VoiceEvent.Audio || e instanceof VoiceEvent.SpeechStarted)
                .toList())
        .extracting(
            e -> e.getClass().getSimpleName(),
            e -> e instanceof VoiceEvent.Audio au ? au.itemId() : null,
            e -> e instanceof VoiceEvent.Audio au ? au.pcm16At24k().getBytes() : null)
        .containsExactly(
            tuple("Audio", "item_\u00e9t\u00e9", a),
            tuple("SpeechStarted", null, null),
            tuple("Audio", "item_W", b));
    new Loop(vertx).await(provider::disconnect);
  }

  @DisplayName(
      "appends arrive as text the provider side reads as today's JSON: the fake in echo mode returns the same audio, for a 100 ms chunk and for one above the single-frame size")
  @Test
  void appendsRoundTrip() {
    fake.echo = true;
    try {
      List<VoiceEvent> events = new CopyOnWriteArrayList<>();
      // frame and message limits as VoiceProviders sets them: the 80 KB echo comes back as one
      // frame
      OpenAiRealtimeProvider provider =
          new OpenAiRealtimeProvider(
              vertx.createWebSocketClient(
                  new io.vertx.core.http.WebSocketClientOptions()
                      .setMaxFrameSize(16 * 1024 * 1024)
                      .setMaxMessageSize(16 * 1024 * 1024)),
              fake.url(port),
              FakeOpenAiRealtime.KEY,
              "gpt-realtime",
              "gpt-4o-mini-transcribe");
      InterviewContext context =
          new InterviewContext(
              UUID.randomUUID(),
              UUID.randomUUID(),
              "Two Sum",
              "Return two indices.",
              "easy",
              "python",
              "mid",
              1_800_000,
              List.of(new InterviewContext.TranscriptLine("assistant", "item_0", "Hello.")));
      new Loop(vertx).await(() -> provider.connect(context, events::add));
      byte[] small = FakeOpenAiRealtime.tone(0);
      byte[] large = new byte[60_000]; // 80 KB of base64: written with writeTextMessage
      new java.util.Random(7).nextBytes(large);
      vertx.runOnContext(
          v -> {
            provider.sendAudio(io.vertx.core.buffer.Buffer.buffer(small));
            provider.sendAudio(io.vertx.core.buffer.Buffer.buffer(large));
          });
      Loop.eventually(
          Duration.ofSeconds(5),
          () -> events.stream().filter(e -> e instanceof VoiceEvent.Audio).count() >= 2,
          "echoes");
      assertThat(
              events.stream()
                  .filter(e -> e instanceof VoiceEvent.Audio)
                  .map(e -> (VoiceEvent.Audio) e)
                  .toList())
          .extracting(VoiceEvent.Audio::itemId, e -> e.pcm16At24k().getBytes())
          .containsExactly(tuple("item_echo", small), tuple("item_echo", large));
      new Loop(vertx).await(provider::disconnect);
    } finally {
      fake.echo = false;
    }
  }
}
