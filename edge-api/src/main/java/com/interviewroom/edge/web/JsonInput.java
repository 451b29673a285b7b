package com.interviewroom.edge.web;

import com.interviewroom.common.http.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
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
 */
public final class JsonInput {
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,253}\\.[^@\\s]{2,}$");
  private static final Pattern UUID_TEXT = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

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
    return new JsonInput((JsonObject) parsed);
  }

  public static JsonInput of(JsonObject body) {
    return new JsonInput(body);
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

  public String email(String field) {
    String value = string(field, 3, 320);
    if (value != null && !EMAIL.matcher(value).matches()) {
      error(field, "must be an email address");
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
    body.fieldNames().stream().filter(name -> !known.contains(name)).sorted()
        .forEach(name -> all.add(new JsonObject().put("field", name).put("message", "is not a known field")));
    return all;
  }
}
