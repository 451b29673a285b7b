package com.interviewroom.edge.web;

import com.interviewroom.common.http.Problems;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The query-string twin of {@link JsonInput}: reads parameters one by one, collects every problem,
 * then fails once with a 400 listing each bad (or unknown, or repeated) parameter.
 */
public final class QueryInput {
  private static final Pattern TOKEN = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private final MultiMap params;
  private final Set<String> known = new HashSet<>();
  private final JsonArray errors = new JsonArray();

  private QueryInput(MultiMap params) {
    this.params = params;
  }

  public static QueryInput of(RoutingContext ctx) {
    return new QueryInput(ctx.queryParams());
  }

  /** An optional value from {@code allowed}. */
  public String oneOf(String name, List<String> allowed) {
    String value = single(name);
    if (value != null && !allowed.contains(value)) {
      error(name, "must be one of " + allowed);
      return null;
    }
    return value;
  }

  /** An optional value of at most {@code max} characters, as given (the caller parses it). */
  public String text(String name, int max) {
    String value = single(name);
    if (value != null && value.length() > max) {
      error(name, "must be at most " + max + " characters");
      return null;
    }
    return value;
  }

  /**
   * An optional lower-case slug-like token ({@code hash-maps}) of at most {@code max} characters.
   */
  public String token(String name, int max) {
    String value = single(name);
    if (value != null && (value.length() > max || !TOKEN.matcher(value).matches())) {
      error(name, "must be lower-case letters, digits and dashes, at most " + max + " characters");
      return null;
    }
    return value;
  }

  /** An optional value matching {@code pattern} whole; {@code rule} says what that means. */
  public String matching(String name, Pattern pattern, String rule) {
    String value = single(name);
    if (value != null && !pattern.matcher(value).matches()) {
      error(name, rule);
      return null;
    }
    return value;
  }

  /** An optional whole number in {@code [min, max]}, {@code fallback} when absent. */
  public int integer(String name, int min, int max, int fallback) {
    String value = single(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // reported below like any other out-of-range value
    }
    error(name, "must be a whole number between " + min + " and " + max);
    return fallback;
  }

  private String single(String name) {
    known.add(name);
    List<String> values = params.getAll(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      error(name, "must be given at most once");
      return null;
    }
    return values.get(0);
  }

  private void error(String name, String message) {
    errors.add(new JsonObject().put("field", name).put("message", message));
  }

  /** Fails with one 400 problem listing every bad and every unknown parameter. */
  public void finish() {
    JsonArray all = problems();
    if (!all.isEmpty()) {
      throw Problems.validation(all);
    }
  }

  /** Every bad and every unknown parameter so far, without failing (for {@link NoInput}). */
  JsonArray problems() {
    JsonArray all = errors.copy();
    params.names().stream()
        .filter(name -> !known.contains(name))
        .sorted()
        .forEach(
            name ->
                all.add(
                    new JsonObject()
                        .put("field", name)
                        .put("message", "is not a known parameter")));
    return all;
  }
}
