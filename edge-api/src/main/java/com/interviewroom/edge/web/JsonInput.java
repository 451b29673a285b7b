package com.interviewroom.edge.web;

import com.interviewroom.common.http.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads and validates a JSON body field by field, collecting every problem, then fails once with a
 * 400 listing each bad field. Unknown fields are refused too, so a typo never passes silently.
 *
 * <pre>{@code
 * JsonInput in = JsonInput.of(ctx);
 * String email = in.email("email");
 * String password = in.string("password", 8, 128);
 * in.finish();   // throws the 400 problem when anything was wrong
 * }</pre>
 *
 * <p>A NUL character anywhere in the body (a value or a name, at any depth) is refused at once with
 * a 400 naming the field: Postgres text cannot hold it, and no field of ours needs it.
 */
public final class JsonInput {
  private static final Pattern EMAIL =
      Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,253}\\.[^@\\s]{2,}$");
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** Timestamps a client may send lie between this and a few minutes from now. */
  public static final OffsetDateTime EARLIEST_TIMESTAMP =
      OffsetDateTime.parse("2000-01-01T00:00:00Z");

  private final JsonObject body;
  private final Set<String> known = new HashSet<>();
  private final JsonArray errors = new JsonArray();

  private JsonInput(JsonObject body) {
    this.body = body;
  }

  public static JsonInput of(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw Problems.badRequest("missing_body", "A JSON object body is required.");
    }
    Object parsed;
    try {
      parsed = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw Problems.badRequest("malformed_json", "The request body is not a valid JSON object.");
    }
    if (parsed == null) {
      throw Problems.badRequest("malformed_json", "The request body is not a valid JSON object.");
    }
    return of((JsonObject) parsed);
  }

  public static JsonInput of(JsonObject body) {
    refuseNul(body);
    return new JsonInput(body);
  }

  /**
   * Fails with a 400 naming every top-level field that holds a NUL character at any depth (or in a
   * name).
   */
  public static void refuseNul(JsonObject body) {
    JsonArray bad = new JsonArray();
    for (Map.Entry<String, Object> field : body) {
      if (field.getKey().indexOf('\0') >= 0 || holdsNul(field.getValue())) {
        bad.add(
            new JsonObject()
                .put("field", field.getKey().replace('\0', '?'))
                .put("message", "must not contain the NUL character"));
      }
    }
    if (!bad.isEmpty()) {
      throw Problems.validation(bad);
    }
  }

  private static boolean holdsNul(Object value) {
    if (value instanceof String s) {
      return s.indexOf('\0') >= 0;
    }
    if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if (e.getKey().indexOf('\0') >= 0 || holdsNul(e.getValue())) {
          return true;
        }
      }
    }
    if (value instanceof JsonArray a) {
      for (Object item : a) {
        if (holdsNul(item)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The one spelling of an email address used at sign-up, login and provisioning alike: trimmed,
   * Unicode NFC, lower-cased (root locale) and NFC again, so {@code İ} or a decomposed accent
   * compares equal however the client typed it.
   */
  public static String normalizeEmail(String email) {
    String nfc = Normalizer.normalize(email.strip(), Normalizer.Form.NFC);
    return Normalizer.normalize(nfc.toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
  }

  /**
   * True when {@code s} holds a control character or an invisible format character (zero-width,
   * bidi controls).
   */
  static boolean hasInvisible(String s) {
    return s.codePoints()
        .anyMatch(
            cp -> {
              int type = Character.getType(cp);
              return type == Character.CONTROL
                  || type == Character.FORMAT
                  || type == Character.LINE_SEPARATOR
                  || type == Character.PARAGRAPH_SEPARATOR;
            });
  }

  public String string(String field, int min, int max) {
    String value = optionalString(field, min, max);
    if (value == null && !hasError(field)) {
      error(field, "is required");
    }
    return value;
  }

  public String optionalString(String field, int min, int max) {
    known.add(field);
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      error(field, "must be a string");
      return null;
    }
    if (s.length() < min || s.length() > max) {
      error(field, "must be between " + min + " and " + max + " characters");
      return null;
    }
    return s;
  }

  /** A required email address, returned normalised ({@link #normalizeEmail}). */
  public String email(String field) {
    String value = string(field, 3, 320);
    if (value == null) {
      return null;
    }
    if (hasInvisible(value)) {
      error(field, "must not contain control, zero-width or bidirectional formatting characters");
      return null;
    }
    String normalized = normalizeEmail(value);
    if (normalized.length() > 320 || !EMAIL.matcher(normalized).matches()) {
      error(field, "must be an email address");
      return null;
    }
    return normalized;
  }

  /**
   * An optional ISO-8601 date-time with offset, between {@link #EARLIEST_TIMESTAMP} and {@code
   * latest}; anything else is a field error (never a database error).
   */
  public OffsetDateTime optionalTimestamp(String field, OffsetDateTime latest) {
    String raw = optionalString(field, 10, 40);
    if (raw == null) {
      return null;
    }
    OffsetDateTime value;
    try {
      value = OffsetDateTime.parse(raw);
    } catch (DateTimeParseException e) {
      error(field, "must be an ISO-8601 date-time with offset");
      return null;
    }
    if (value.isBefore(EARLIEST_TIMESTAMP) || value.isAfter(latest)) {
      error(field, "must be between " + EARLIEST_TIMESTAMP + " and now");
      return null;
    }
    return value;
  }

  public String oneOf(String field, List<String> allowed, boolean required) {
    known.add(field);
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        error(field, "is required");
      }
      return null;
    }
    if (!(value instanceof String s) || !allowed.contains(s)) {
      error(field, "must be one of " + allowed);
      return null;
    }
    return s;
  }

  public Long optionalLong(String field, long min, long max) {
    known.add(field);
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      error(field, "must be a whole number");
      return null;
    }
    long v = n.longValue();
    if (v < min || v > max) {
      error(field, "must be between " + min + " and " + max);
      return null;
    }
    return v;
  }

  /** A required whole number; JSON {@code null} counts as missing. */
  public Long requiredLong(String field, long min, long max) {
    Long value = optionalLong(field, min, max);
    if (value == null && !hasError(field)) {
      error(field, "is required");
    }
    return value;
  }

  /** A required UUID in its canonical text form. */
  public UUID uuid(String field) {
    known.add(field);
    Object value = body.getValue(field);
    if (value == null) {
      error(field, "is required");
      return null;
    }
    if (!(value instanceof String s) || !UUID_TEXT.matcher(s).matches()) {
      error(field, "must be a UUID");
      return null;
    }
    return UUID.fromString(s);
  }

  public Boolean optionalBoolean(String field) {
    known.add(field);
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Boolean b)) {
      error(field, "must be true or false");
      return null;
    }
    return b;
  }

  public List<String> optionalStrings(String field, int maxItems, int maxLength) {
    known.add(field);
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.size() > maxItems) {
      error(field, "must be an array of at most " + maxItems + " strings");
      return null;
    }
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank() || s.length() > maxLength) {
        error(field, "must hold non-empty strings of at most " + maxLength + " characters");
        return null;
      }
    }
    return array.getList().stream().map(String.class::cast).toList();
  }

  /** An optional JSON object, as given (the caller validates its members). */
  public JsonObject optionalObject(String field) {
    known.add(field);
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      error(field, "must be an object");
      return null;
    }
    return object;
  }

  public boolean has(String field) {
    return body.containsKey(field);
  }

  public void error(String field, String message) {
    errors.add(new JsonObject().put("field", field).put("message", message));
  }

  private boolean hasError(String field) {
    return errors.stream().anyMatch(e -> field.equals(((JsonObject) e).getString("field")));
  }

  /** Fails with one 400 problem listing every bad and every unknown field. */
  public void finish() {
    JsonArray all = problems();
    if (!all.isEmpty()) {
      throw Problems.validation(all);
    }
  }

  /** Every bad and every unknown field so far, without failing (for {@link NoInput}). */
  JsonArray problems() {
    JsonArray all = errors.copy();
    body.fieldNames().stream()
        .filter(name -> !known.contains(name))
        .sorted()
        .forEach(
            name ->
                all.add(
                    new JsonObject().put("field", name).put("message", "is not a known field")));
    return all;
  }
}
