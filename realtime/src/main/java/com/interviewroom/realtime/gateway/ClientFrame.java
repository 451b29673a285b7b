package com.interviewroom.realtime.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.interviewroom.common.wire.Languages;
import com.interviewroom.common.wire.Limits;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The JSON frames a client may send, schema-checked; anything else is {@link Invalid}. */
sealed interface ClientFrame {
  int MAX_CODE_CHARS = Limits.MAX_CODE_CHARS;
  Set<String> LANGUAGES = Set.copyOf(Languages.SUPPORTED);
  Pattern PRINTABLE_TYPE = Pattern.compile("[^A-Za-z0-9._-]");

  record AudioAppend(Buffer pcm) implements ClientFrame {}

  record Commit() implements ClientFrame {}

  record Cancel() implements ClientFrame {}

  record Ping() implements ClientFrame {}

  record CodeEdit(String code, String language) implements ClientFrame {}

  record End() implements ClientFrame {}

  /**
   * A rejected frame. {@code bucket} is a bounded label for the metric ({@code malformed}, {@code
   * missing_type}, {@code unknown_type}, {@code bad_fields}); {@code type} is the sender's type,
   * cleaned and truncated, safe to log.
   */
  record Invalid(String bucket, String type) implements ClientFrame {}

  /**
   * A JSON object, or {@link Invalid} {@code malformed}. A name given twice is refused: a lenient
   * parser keeps one of the values, and which one differs between parsers, so a frame could mean
   * one thing to a check and another to the code that acts on it.
   */
  static ClientFrame parse(String text) {
    JsonObject json;
    try {
      JsonParser parser = JacksonCodec.createParser(text);
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = JacksonCodec.fromParser(parser, Map.class);
      if (fields == null) {
        return new Invalid("malformed", "");
      }
      json = new JsonObject(fields);
    } catch (DecodeException | ClassCastException e) {
      return new Invalid("malformed", "");
    }
    if (!(json.getValue("type") instanceof String type)) {
      return new Invalid("missing_type", "");
    }
    return switch (type) {
      case "input_audio_buffer.append" -> audio(json);
      case "input_audio_buffer.commit" -> only(json, new Commit());
      case "response.cancel" -> only(json, new Cancel());
      case "session.ping" -> only(json, new Ping());
      case "session.end" -> only(json, new End());
      case "code_edit" -> codeEdit(json);
      default -> new Invalid("unknown_type", loggable(type));
    };
  }

  /**
   * Binary and base64 audio share one check: PCM16 means whole 2-byte samples, and a non-empty
   * frame.
   */
  static boolean validPcm(Buffer pcm) {
    return pcm.length() > 0 && pcm.length() % 2 == 0;
  }

  private static ClientFrame audio(JsonObject json) {
    if (!(json.getValue("audio") instanceof String b64) || json.size() != 2) {
      return new Invalid("bad_fields", "input_audio_buffer.append");
    }
    try {
      Buffer pcm = Buffer.buffer(Base64.getDecoder().decode(b64));
      return validPcm(pcm)
          ? new AudioAppend(pcm)
          : new Invalid("bad_fields", "input_audio_buffer.append");
    } catch (IllegalArgumentException e) {
      return new Invalid("bad_fields", "input_audio_buffer.append");
    }
  }

  private static ClientFrame codeEdit(JsonObject json) {
    if (json.getValue("code") instanceof String code
        && json.getValue("language") instanceof String language
        && json.size() == 3
        && code.length() <= MAX_CODE_CHARS
        && LANGUAGES.contains(language)) {
      return new CodeEdit(code, language);
    }
    return new Invalid("bad_fields", "code_edit");
  }

  /** Types without fields; a client may attach nothing else. */
  private static ClientFrame only(JsonObject json, ClientFrame frame) {
    return json.size() == 1 ? frame : new Invalid("bad_fields", json.getString("type"));
  }

  private static String loggable(String type) {
    String cut = type.length() > 40 ? type.substring(0, 40) : type;
    return PRINTABLE_TYPE.matcher(cut).replaceAll("?");
  }
}
