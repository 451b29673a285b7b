package com.interviewroom.realtime.voice.openai;

import java.util.Base64;

/**
 * Reads a {@code response.output_audio.delta} frame without building a {@code JsonObject}: the
 * frame is a flat object whose {@code delta} is ~6.4 KB of base64 per 100 ms of audio, and the full
 * parse of every one of them was a third of the server's CPU under relay load
 * ({@code docs/benchmarks.md}). The scanner is strict: it accepts only a flat object of string and
 * integer values with no escape anywhere, exactly one {@code type} equal to
 * {@code response.output_audio.delta}, exactly one string {@code item_id} and exactly one string
 * {@code delta} that decodes as base64. Anything else (another event, an escape, a nested value,
 * a duplicate or missing key, trailing bytes, invalid base64) yields null and the caller falls
 * back to the full parse, so the result never differs from what the full parse would give.
 */
final class AudioDeltaScanner {
  static final String TYPE = "response.output_audio.delta";

  /** The two fields the provider uses from an audio delta. */
  record Delta(String itemId, byte[] audio) { }

  private AudioDeltaScanner() {
  }

  /** The delta's item id and decoded audio, or null when the frame must take the full parse. */
  static Delta scan(String text) {
    int n = text.length();
    int i = skipWs(text, 0);
    if (i >= n || text.charAt(i) != '{') {
      return null;
    }
    boolean typeSeen = false;
    String itemId = null;
    int deltaStart = -1;
    int deltaEnd = -1;
    i = skipWs(text, i + 1);
    if (i < n && text.charAt(i) == '}') {
      return null; // empty object: no type
    }
    while (true) {
      // key
      if (i >= n || text.charAt(i) != '"') {
        return null;
      }
      int keyStart = i + 1;
      int keyEnd = stringEnd(text, keyStart);
      if (keyEnd < 0) {
        return null;
      }
      i = skipWs(text, keyEnd + 1);
      if (i >= n || text.charAt(i) != ':') {
        return null;
      }
      i = skipWs(text, i + 1);
      if (i >= n) {
        return null;
      }
      int keyLen = keyEnd - keyStart;
      char c = text.charAt(i);
      if (c == '"') {
        int valueStart = i + 1;
        int valueEnd;
        if (keyLen == 5 && text.startsWith("delta", keyStart)) {
          // base64 has no quote or backslash: the first quote ends it, a backslash before it means fall back
          valueEnd = text.indexOf('"', valueStart);
          if (valueEnd < 0 || deltaStart >= 0 || text.indexOf('\\', valueStart, valueEnd) >= 0) {
            return null;
          }
          deltaStart = valueStart;
          deltaEnd = valueEnd;
        } else {
          valueEnd = stringEnd(text, valueStart);
          if (valueEnd < 0) {
            return null;
          }
          if (keyLen == 4 && text.startsWith("type", keyStart)) {
            if (typeSeen || valueEnd - valueStart != TYPE.length() || !text.startsWith(TYPE, valueStart)) {
              return null; // any other event (or a second type) takes the full parse
            }
            typeSeen = true;
          } else if (keyLen == 7 && text.startsWith("item_id", keyStart)) {
            if (itemId != null) {
              return null;
            }
            itemId = text.substring(valueStart, valueEnd);
          }
        }
        i = valueEnd + 1;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        if (isKey(text, keyStart, keyLen, "type") || isKey(text, keyStart, keyLen, "item_id")
            || isKey(text, keyStart, keyLen, "delta")) {
          return null; // a field we use must be a string
        }
        i = integerEnd(text, i);
        if (i < 0) {
          return null;
        }
      } else {
        return null; // object, array, true/false/null: not what the provider sends in a delta
      }
      i = skipWs(text, i);
      if (i >= n) {
        return null;
      }
      c = text.charAt(i);
      if (c == ',') {
        i = skipWs(text, i + 1);
      } else if (c == '}') {
        if (skipWs(text, i + 1) != n) {
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
      // the ISO-8859-1 bytes of the range, as Base64.Decoder.decode(String) takes them; any non-base64 char throws
      return new Delta(itemId, Base64.getDecoder().decode(text.substring(deltaStart, deltaEnd)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isKey(String text, int keyStart, int keyLen, String key) {
    return keyLen == key.length() && text.startsWith(key, keyStart);
  }

  /** The index of the closing quote of a string starting at {@code from}, or -1 for an escape, a control char or no end. */
  private static int stringEnd(String text, int from) {
    for (int i = from, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == '"') {
        return i;
      }
      if (c == '\\' || c < 0x20) {
        return -1;
      }
    }
    return -1;
  }

  /** The end of a JSON integer ({@code -?(0|[1-9][0-9]*)}) followed by whitespace, ',' or '}'; -1 otherwise (fractions, exponents, leading zeros). */
  private static int integerEnd(String text, int from) {
    int n = text.length();
    int i = from;
    if (text.charAt(i) == '-') {
      i++;
    }
    if (i >= n) {
      return -1;
    }
    char first = text.charAt(i);
    if (first == '0') {
      i++;
    } else if (first >= '1' && first <= '9') {
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
      }
    } else {
      return -1;
    }
    if (i >= n) {
      return -1;
    }
    char next = text.charAt(i);
    return next == ',' || next == '}' || next == ' ' || next == '\t' || next == '\n' || next == '\r' ? i : -1;
  }

  private static int skipWs(String text, int from) {
    int i = from;
    for (int n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
    }
    return i;
  }
}
