package com.interviewroom.realtime.voice.openai;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads a {@code response.output_audio.delta} frame without building a {@code JsonObject}: the
 * frame is a flat object whose {@code delta} is ~6.4 KB of base64 per 100 ms of audio, and the full
 * parse of every one of them was a third of the server's CPU under relay load ({@code
 * docs/benchmarks.md}). The scanner is strict: it accepts only a flat object of string and integer
 * values with no escape anywhere, exactly one {@code type} equal to {@code
 * response.output_audio.delta}, exactly one string {@code item_id} and exactly one string {@code
 * delta} that decodes as base64. Anything else (another event, an escape, a nested value, a
 * duplicate or missing key, trailing bytes, invalid base64) yields null and the caller falls back
 * to the full parse, so the result never differs from what the full parse would give.
 *
 * <p>It reads the frame's UTF-8 bytes, not a String: decoding 6.4 KB into a String, cutting the
 * base64 out of it and encoding that back to bytes for the decoder were three copies per chunk.
 * Structural bytes ({@code " \ : , { }}, digits, whitespace) are ASCII, and no byte of a multi-byte
 * UTF-8 sequence is below 0x80, so the bytes split exactly where the decoded text would; the item
 * id is decoded as Vert.x decodes a text message (malformed input becomes U+FFFD).
 */
final class AudioDeltaScanner {
  static final String TYPE = "response.output_audio.delta";

  /** The two fields the provider uses from an audio delta. */
  record Delta(String itemId, byte[] audio) {}

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long QUOTES = 0x2222222222222222L;

  private AudioDeltaScanner() {}

  /** {@link #scan(byte[], int, int)} of the text's UTF-8 bytes. */
  static Delta scan(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return scan(bytes, 0, bytes.length);
  }

  /**
   * The delta's item id and decoded audio, or null when the frame ({@code text[from, to)}, UTF-8)
   * must take the full parse.
   */
  static Delta scan(byte[] text, int from, int to) {
    int n = to;
    int i = skipWs(text, from, n);
    if (i >= n || text[i] != '{') {
      return null;
    }
    boolean typeSeen = false;
    String itemId = null;
    int deltaStart = -1;
    int deltaEnd = -1;
    i = skipWs(text, i + 1, n);
    if (i < n && text[i] == '}') {
      return null; // empty object: no type
    }
    while (true) {
      // key
      if (i >= n || text[i] != '"') {
        return null;
      }
      int keyStart = i + 1;
      int keyEnd = stringEnd(text, keyStart, n);
      if (keyEnd < 0) {
        return null;
      }
      i = skipWs(text, keyEnd + 1, n);
      if (i >= n || text[i] != ':') {
        return null;
      }
      i = skipWs(text, i + 1, n);
      if (i >= n) {
        return null;
      }
      int keyLen = keyEnd - keyStart;
      int c = text[i];
      if (c == '"') {
        int valueStart = i + 1;
        int valueEnd;
        if (isKey(text, keyStart, keyLen, "delta")) {
          // base64 has no quote or backslash: the first quote ends it; an escape before it (a
          // backslash) is not base64 either, so the decoder below refuses the range and the full
          // parse runs
          valueEnd = quote(text, valueStart, n);
          if (valueEnd < 0 || deltaStart >= 0) {
            return null;
          }
          deltaStart = valueStart;
          deltaEnd = valueEnd;
        } else {
          valueEnd = stringEnd(text, valueStart, n);
          if (valueEnd < 0) {
            return null;
          }
          if (isKey(text, keyStart, keyLen, "type")) {
            if (typeSeen || !isKey(text, valueStart, valueEnd - valueStart, TYPE)) {
              return null; // any other event (or a second type) takes the full parse
            }
            typeSeen = true;
          } else if (isKey(text, keyStart, keyLen, "item_id")) {
            if (itemId != null) {
              return null;
            }
            itemId = new String(text, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8);
          }
        }
        i = valueEnd + 1;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        if (isKey(text, keyStart, keyLen, "type")
            || isKey(text, keyStart, keyLen, "item_id")
            || isKey(text, keyStart, keyLen, "delta")) {
          return null; // a field we use must be a string
        }
        i = integerEnd(text, i, n);
        if (i < 0) {
          return null;
        }
      } else {
        return null; // object, array, true/false/null: not what the provider sends in a delta
      }
      i = skipWs(text, i, n);
      if (i >= n) {
        return null;
      }
      c = text[i];
      if (c == ',') {
        i = skipWs(text, i + 1, n);
      } else if (c == '}') {
        if (skipWs(text, i + 1, n) != n) {
          return null;
        }
        break;
      } else {
        return null;
      }
    }
    if (!typeSeen || itemId == null || deltaStart < 0) {
      return null;
    }
    try {
      // straight from the frame's bytes (what Base64.Decoder.decode(String) would take); any
      // non-base64 byte throws
      ByteBuffer audio =
          Base64.getDecoder().decode(ByteBuffer.wrap(text, deltaStart, deltaEnd - deltaStart));
      byte[] pcm = audio.array();
      return new Delta(
          itemId, audio.limit() == pcm.length ? pcm : Arrays.copyOf(pcm, audio.limit()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether {@code text[start, start + len)} is the ASCII {@code key}. */
  private static boolean isKey(byte[] text, int start, int len, String key) {
    if (len != key.length()) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (text[start + k] != key.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The first {@code "} in {@code text[from, to)}, or -1; eight bytes at a time, since it runs over
   * the 6.4 KB of every delta (a byte loop was 5 % of the relay's CPU). A byte of {@code x} is zero
   * where the quote is; {@code (x - 0x01..) & ~x & 0x80..} flags the lowest zero byte exactly (a
   * false flag can only sit above a true one), and little-endian puts the first byte lowest.
   */
  static int quote(byte[] text, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(text, i) ^ QUOTES;
      long zero = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      if (zero != 0) {
        return i + (Long.numberOfTrailingZeros(zero) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (text[i] == '"') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index of the closing quote of a string starting at {@code from}, or -1 for an escape, a
   * control char or no end.
   */
  private static int stringEnd(byte[] text, int from, int n) {
    for (int i = from; i < n; i++) {
      int c = text[i] & 0xFF;
      if (c == '"') {
        return i;
      }
      if (c == '\\' || c < 0x20) {
        return -1;
      }
    }
    return -1;
  }

  /**
   * The end of a JSON integer ({@code -?(0|[1-9][0-9]*)}) followed by whitespace, ',' or '}'; -1
   * otherwise (fractions, exponents, leading zeros).
   */
  private static int integerEnd(byte[] text, int from, int n) {
    int i = from;
    if (text[i] == '-') {
      i++;
    }
    if (i >= n) {
      return -1;
    }
    int first = text[i];
    if (first == '0') {
      i++;
    } else if (first >= '1' && first <= '9') {
      while (i < n && text[i] >= '0' && text[i] <= '9') {
        i++;
      }
    } else {
      return -1;
    }
    if (i >= n) {
      return -1;
    }
    int next = text[i];
    return next == ',' || next == '}' || next == ' ' || next == '\t' || next == '\n' || next == '\r'
        ? i
        : -1;
  }

  private static int skipWs(byte[] text, int from, int n) {
    int i = from;
    for (; i < n; i++) {
      int c = text[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
    }
    return i;
  }
}
