package com.interviewroom.realtime.voice.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The audio-delta fast path gives what the full parse gives, or null (the full parse then runs);
 * and the append message is byte for byte today's JsonObject encoding.
 */
class AudioDeltaScannerTest {
  private static final String TYPE = "\"type\":\"response.output_audio.delta\"";

  private static String b64(byte[] audio) {
    return Base64.getEncoder().encodeToString(audio);
  }

  private static byte[] audio(Random random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  /** What the provider read from an audio delta before the fast path: the full parse. */
  private static AudioDeltaScanner.Delta full(String text) {
    JsonObject m = new JsonObject(text);
    return new AudioDeltaScanner.Delta(
        m.getString("item_id"), Base64.getDecoder().decode(m.getString("delta", "")));
  }

  private static void assertSameAsFullParse(String text) {
    AudioDeltaScanner.Delta fast = AudioDeltaScanner.scan(text);
    assertThat(fast).as(text.length() > 300 ? text.substring(0, 300) : text).isNotNull();
    AudioDeltaScanner.Delta slow = full(text);
    assertThat(fast.itemId()).isEqualTo(slow.itemId());
    assertThat(fast.audio()).isEqualTo(slow.audio());
  }

  @DisplayName(
      "the SDK's delta (openai-python ResponseAudioDeltaEvent: event_id, response_id, item_id, output_index, content_index, delta) in any key order")
  @Test
  void sdkShapesInAnyOrder() {
    Random random = new Random(16);
    String delta = b64(audio(random, 4_800));
    List<String> fields =
        new ArrayList<>(
            List.of(
                TYPE,
                "\"event_id\":\"event_C9x2\"",
                "\"response_id\":\"resp_C9x1\"",
                "\"item_id\":\"item_C9x0\"",
                "\"output_index\":0",
                "\"content_index\":0",
                "\"delta\":\"" + delta + "\""));
    // the order the API writes (type first), the shapes file's (alphabetical), and shuffles of it
    assertSameAsFullParse("{" + String.join(",", fields) + "}");
    List<String> sorted = new ArrayList<>(fields);
    Collections.sort(sorted);
    assertSameAsFullParse("{" + String.join(",", sorted) + "}");
    for (int i = 0; i < 200; i++) {
      Collections.shuffle(fields, random);
      String ws = List.of("", " ", "\n  ", "\t", "\r\n").get(i % 5);
      assertSameAsFullParse(
          ws
              + "{"
              + ws
              + String.join(ws + "," + ws, fields).replace(":", ws + ":" + ws)
              + ws
              + "}"
              + ws);
    }
  }

  @DisplayName("the fake's deltas (JsonObject-encoded and its echo form) take the fast path")
  @Test
  void fakeShapes() {
    byte[] tone = FakeOpenAiRealtime.tone(3);
    String encoded =
        new JsonObject()
            .put("type", "response.output_audio.delta")
            .put("response_id", "resp_1")
            .put("item_id", "item_1")
            .put("output_index", 0)
            .put("content_index", 0)
            .put("delta", b64(tone))
            .encode();
    assertSameAsFullParse(encoded);
    assertThat(AudioDeltaScanner.scan(encoded).audio()).isEqualTo(tone);
    String echo =
        FakeOpenAiRealtime.echoed(OpenAiRealtimeProvider.appendMessage(Buffer.buffer(tone)));
    assertSameAsFullParse(echo);
    assertThat(AudioDeltaScanner.scan(echo).itemId()).isEqualTo("item_echo");
  }

  @DisplayName(
      "ids with any non-escaped characters, negative and multi-digit indices, an empty delta")
  @Test
  void unusualButPlainValues() {
    assertSameAsFullParse(
        "{"
            + TYPE
            + ",\"item_id\":\"itém_✓_𝄞\",\"output_index\":-12,\"content_index\":340,\"delta\":\"\"}");
    assertSameAsFullParse(
        "{\"delta\":\"AAEC\",\"extra\":\"x:y,z}\",\"item_id\":\"\"," + TYPE + "}");
  }

  @DisplayName(
      "everything else is left to the full parse: other events, escapes, nested or non-integer values, duplicates, missing fields")
  @Test
  void fallsBack() {
    String d = "\"delta\":\"AAEC\"";
    String id = "\"item_id\":\"item_1\"";
    List<String> frames =
        List.of(
            // other events, the beta name included
            "{\"type\":\"response.output_audio_transcript.delta\"," + id + "," + d + "}",
            "{\"type\":\"response.audio.delta\"," + id + "," + d + "}",
            "{\"type\":\"response.output_audio.delta.x\"," + id + "," + d + "}",
            // escapes in an id, in the type, in a key, in an unrelated value
            "{" + TYPE + ",\"item_id\":\"item\\u005f1\"," + d + "}",
            "{\"type\":\"response.output_audio\\u002edelta\"," + id + "," + d + "}",
            "{" + TYPE + ",\"item\\u005fid\":\"item_1\"," + d + "}",
            "{" + TYPE + ",\"event_id\":\"ev\\\"1\"," + id + "," + d + "}",
            // missing, duplicate, non-string fields
            "{" + TYPE + "," + d + "}",
            "{" + TYPE + "," + id + "}",
            "{" + id + "," + d + "}",
            "{" + TYPE + "," + id + "," + d + "," + d + "}",
            "{" + TYPE + "," + id + ",\"item_id\":\"item_2\"," + d + "}",
            "{" + TYPE + "," + TYPE + "," + id + "," + d + "}",
            "{" + TYPE + ",\"item_id\":7," + d + "}",
            "{" + TYPE + "," + id + ",\"delta\":null}",
            // values the provider never sends in a delta
            "{" + TYPE + "," + id + ",\"meta\":{\"a\":1}," + d + "}",
            "{" + TYPE + "," + id + ",\"list\":[1]," + d + "}",
            "{" + TYPE + "," + id + ",\"flag\":true," + d + "}",
            "{" + TYPE + "," + id + ",\"output_index\":1.5," + d + "}",
            "{" + TYPE + "," + id + ",\"output_index\":1e3," + d + "}");
    for (String frame : frames) {
      assertThat(AudioDeltaScanner.scan(frame)).as(frame).isNull();
      new JsonObject(frame); // each is valid JSON: the full parse handles it as today
    }
  }

  @DisplayName(
      "truncated or malformed frames fall back, and the full parse rejects them as today (the provider drops them)")
  @Test
  void malformed() {
    String good =
        "{"
            + TYPE
            + ",\"item_id\":\"item_1\",\"output_index\":0,\"delta\":\""
            + b64(new byte[300])
            + "\"}";
    for (int cut = 0; cut < good.length(); cut++) {
      String truncated = good.substring(0, cut);
      assertThat(AudioDeltaScanner.scan(truncated)).as(truncated).isNull();
      assertThatThrownBy(() -> new JsonObject(truncated))
          .as(truncated)
          .isInstanceOf(RuntimeException.class);
    }
    List<String> invalid =
        List.of(
            good + "x",
            good + "}",
            "[" + good + "]",
            good.replace("\"output_index\":0", "\"output_index\":01"),
            good.replace("\"output_index\":0", "\"output_index\":-"),
            good.replace(",\"output_index\"", ",,\"output_index\""),
            good.replace("\"item_id\":\"item_1\"", "\"item_id\":\"item\u00011\""),
            good.replace("\"item_id\":", "\"item_id\"="),
            good.replace("{", "{'a':'b',"));
    for (String frame : invalid) {
      assertThat(AudioDeltaScanner.scan(frame)).as(frame).isNull();
      assertThatThrownBy(() -> new JsonObject(frame))
          .as(frame)
          .isInstanceOf(RuntimeException.class);
    }
  }

  @DisplayName(
      "a delta that is not base64 falls back, and the full path fails on it exactly as before")
  @Test
  void invalidBase64() {
    for (String bad : List.of("AA*C", "A", "AA=C", "AAECé", "AAEC\u0001", "AAEC\u0141")) {
      String frame = "{" + TYPE + ",\"item_id\":\"item_1\",\"delta\":\"" + bad + "\"}";
      assertThat(AudioDeltaScanner.scan(frame)).as(frame).isNull();
      assertThatThrownBy(() -> full(frame)).as(frame).isInstanceOf(RuntimeException.class);
    }
  }

  @DisplayName(
      "the append message is byte for byte today's JsonObject encoding, for random audio of any length")
  @Test
  void appendBytesEqualJsonObjectEncoding() {
    Random random = new Random(4_800);
    for (int i = 0; i < 300; i++) {
      byte[] pcm = audio(random, i < 10 ? i : random.nextInt(20_000));
      String expected =
          new JsonObject().put("type", "input_audio_buffer.append").put("audio", b64(pcm)).encode();
      assertThat(OpenAiRealtimeProvider.appendBytes(Buffer.buffer(pcm)))
          .isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
      assertThat(OpenAiRealtimeProvider.appendMessage(Buffer.buffer(pcm))).isEqualTo(expected);
    }
  }

  @DisplayName(
      "the quote search (eight bytes at a time) finds the first quote wherever it sits, among any bytes, or none")
  @Test
  void quoteSearch() {
    Random random = new Random(22);
    for (int round = 0; round < 2_000; round++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        // every byte value but the quote, high bytes (0xA2 = 0x22 | 0x80) and 0x21/0x23 beside it
        // included
        do {
          bytes[i] = (byte) random.nextInt(256);
        } while (bytes[i] == '"');
      }
      int quotes = bytes.length == 0 ? 0 : random.nextInt(3);
      for (int q = 0; q < quotes; q++) {
        bytes[random.nextInt(bytes.length)] = '"';
      }
      int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
      int expected = -1;
      for (int i = from; i < bytes.length; i++) {
        if (bytes[i] == '"') {
          expected = i;
          break;
        }
      }
      assertThat(AudioDeltaScanner.quote(bytes, from, bytes.length))
          .as("round %d", round)
          .isEqualTo(expected);
    }
  }

  @DisplayName(
      "an escape inside the delta (a JSON-escaped '/', which is base64) falls back to the full parse, which decodes it")
  @Test
  void escapeInsideDelta() {
    byte[] audio = new byte[3_000];
    new Random(5).nextBytes(audio);
    String b64 = b64(audio);
    int slash = b64.indexOf('/');
    assertThat(slash).isPositive();
    String escaped = b64.substring(0, slash) + "\\/" + b64.substring(slash + 1);
    String frame = "{" + TYPE + ",\"item_id\":\"item_1\",\"delta\":\"" + escaped + "\"}";
    assertThat(AudioDeltaScanner.scan(frame)).isNull();
    assertThat(full(frame).audio()).isEqualTo(audio);
  }
}
