package com.interviewroom.sandbox.harness;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the side channel the harness writes: records {@code "<nonce> <length>\n<json>\n"}, one per
 * test in order, then {@code {"done": n}}. Results count only when every frame is intact, carries
 * this run's nonce, names the expected test, and the final count matches; anything else (a forged
 * or torn record, an early exit before "done") makes the whole channel {@link Parsed#intact()
 * untrusted}.
 */
public final class ResultChannel {
  private ResultChannel() {}

  /**
   * @param records the well-formed records read before any problem; @param intact true only for a
   *     complete, valid channel
   */
  public record Parsed(List<HarnessRecord> records, boolean intact) {}

  public static Parsed parse(byte[] data, String nonce, List<String> expectedIds) {
    byte[] prefix = (nonce + " ").getBytes(StandardCharsets.US_ASCII);
    List<HarnessRecord> records = new ArrayList<>();
    int at = 0;
    while (at < data.length) {
      if (data.length - at < prefix.length
          || !Arrays.equals(data, at, at + prefix.length, prefix, 0, prefix.length)) {
        return new Parsed(records, false);
      }
      at += prefix.length;
      int lengthEnd = at;
      while (lengthEnd < data.length && lengthEnd - at < 9 && Character.isDigit(data[lengthEnd])) {
        lengthEnd++;
      }
      if (lengthEnd == at || lengthEnd >= data.length || data[lengthEnd] != '\n') {
        return new Parsed(records, false);
      }
      int length =
          Integer.parseInt(new String(data, at, lengthEnd - at, StandardCharsets.US_ASCII));
      int bodyStart = lengthEnd + 1;
      int bodyEnd = bodyStart + length;
      if (bodyEnd >= data.length || data[bodyEnd] != '\n') {
        return new Parsed(records, false);
      }
      JsonObject record;
      try {
        record = new JsonObject(new String(data, bodyStart, length, StandardCharsets.UTF_8));
      } catch (DecodeException | ClassCastException e) {
        return new Parsed(records, false);
      }
      at = bodyEnd + 1;
      if (record.containsKey("done")) {
        boolean complete =
            at == data.length
                && records.size() == expectedIds.size()
                && Integer.valueOf(expectedIds.size()).equals(asInt(record.getValue("done")));
        return new Parsed(records, complete);
      }
      if (records.size() >= expectedIds.size()
          || !expectedIds.get(records.size()).equals(String.valueOf(record.getValue("id")))) {
        return new Parsed(records, false);
      }
      records.add(
          new HarnessRecord(
              expectedIds.get(records.size()),
              Boolean.TRUE.equals(record.getValue("ok")),
              record.getValue("actual"),
              string(record.getValue("kind")),
              string(record.getValue("error")),
              record.getValue("ms") instanceof Number n ? n.doubleValue() : 0));
    }
    return new Parsed(records, false);
  }

  private static Integer asInt(Object value) {
    return value instanceof Number n ? n.intValue() : null;
  }

  private static String string(Object value) {
    return value instanceof String s ? s : null;
  }
}
