package com.interviewroom.realtime.voice.openai;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * ns/op of the old and new audio paths of {@link OpenAiRealtimeProvider} (not a test, not timed
 * anywhere): a 6.4 KB {@code response.output_audio.delta} read (full parse vs scanner, both to a
 * Buffer) and a 100 ms append built (JsonObject encoding to UTF-8 bytes, as writeTextMessage sends
 * it, and the String concatenation used before, vs {@code appendBytes}). Run: {@code java -cp <test
 * classpath> ...AudioPathTiming [iterations]}.
 */
public final class AudioPathTiming {
  private static long sink;

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    byte[] pcm = new byte[4_800];
    new java.util.Random(1).nextBytes(pcm);
    String frame =
        new JsonObject()
            .put("type", "response.output_audio.delta")
            .put("event_id", "event_C9x2")
            .put("response_id", "resp_C9x1")
            .put("item_id", "item_C9x0")
            .put("output_index", 0)
            .put("content_index", 0)
            .put("delta", Base64.getEncoder().encodeToString(pcm))
            .encode();
    Buffer chunk = Buffer.buffer(pcm);
    System.out.printf(
        "delta frame %d chars, append %d bytes, %d iterations%n",
        frame.length(), OpenAiRealtimeProvider.appendBytes(chunk).length, iterations);
    for (int round = 0; round < 3; round++) { // the first rounds warm up the JIT
      long t0 = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        JsonObject m = new JsonObject(frame);
        m.getString("type");
        sink +=
            m.getString("item_id").length()
                + Buffer.buffer(Base64.getDecoder().decode(m.getString("delta", ""))).length();
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        AudioDeltaScanner.Delta d = AudioDeltaScanner.scan(frame);
        sink += d.itemId().length() + Buffer.buffer(d.audio()).length();
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink +=
            new JsonObject()
                .put("type", "input_audio_buffer.append")
                .put("audio", Base64.getEncoder().encodeToString(chunk.getBytes()))
                .encode()
                .getBytes(StandardCharsets.UTF_8)
                .length;
      }
      long t3 = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink += OpenAiRealtimeProvider.appendBytes(chunk).length;
      }
      long t4 = System.nanoTime();
      for (int i = 0;
          i < iterations;
          i++) { // the String concatenation the provider used before appendBytes
        sink +=
            ("{\"type\":\"input_audio_buffer.append\",\"audio\":\""
                    + Base64.getEncoder().encodeToString(chunk.getBytes())
                    + "\"}")
                .getBytes(StandardCharsets.UTF_8)
                .length;
      }
      long t5 = System.nanoTime();
      System.out.printf(
          "round %d: delta full parse %,d ns/op, scanner %,d ns/op; append JsonObject %,d ns/op, "
              + "String concat %,d ns/op, bytes %,d ns/op%n",
          round,
          (t1 - t0) / iterations,
          (t2 - t1) / iterations,
          (t3 - t2) / iterations,
          (t5 - t4) / iterations,
          (t4 - t3) / iterations);
    }
    System.out.println("(sink " + sink + ")");
  }
}
