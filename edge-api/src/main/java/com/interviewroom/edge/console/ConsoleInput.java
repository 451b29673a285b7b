package com.interviewroom.edge.console;

import com.interviewroom.common.http.Problems;
import com.interviewroom.schema.console.ConsoleReadRepository;
import com.interviewroom.schema.console.SessionFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The console's filters, from a query string or a saved view's {@code filters} object (the same
 * names and rules, so a saved view is exactly a query the list accepts). Collects every problem and
 * fails once with a 400 naming each field.
 */
final class ConsoleInput {
  static final Set<String> FILTERS =
      Set.of("from", "to", "healthMin", "healthMax", "hasFailures", "provider", "status");
  static final Duration MAX_RANGE = Duration.ofDays(366);
  private final Map<String, String> values;
  private final JsonArray errors = new JsonArray();

  private ConsoleInput(Map<String, String> values) {
    this.values = values;
  }

  static ConsoleInput of(io.vertx.core.MultiMap query) {
    Map<String, String> values = new LinkedHashMap<>();
    JsonArray errors = new JsonArray();
    for (String name : query.names()) {
      List<String> all = query.getAll(name);
      if (all.size() > 1) {
        errors.add(
            new JsonObject().put("field", name).put("message", "must be given at most once"));
      }
      values.put(name, all.get(0));
    }
    ConsoleInput in = new ConsoleInput(values);
    in.errors.addAll(errors);
    return in;
  }

  /** A saved view's filters: only filter names, scalar values. */
  static ConsoleInput ofFilters(JsonObject filters) {
    Map<String, String> values = new LinkedHashMap<>();
    ConsoleInput in = new ConsoleInput(values);
    for (String name : filters.fieldNames()) {
      Object v = filters.getValue(name);
      if (!FILTERS.contains(name)) {
        in.error("filters." + name, "is not a known filter");
      } else if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        values.put(name, String.valueOf(v));
      } else if (v != null) {
        in.error("filters." + name, "must be a string, number or boolean");
      }
    }
    return in;
  }

  /** The filters read back as the object a saved view stores (only what was given). */
  static JsonObject normalized(JsonObject filters) {
    ConsoleInput in = ofFilters(filters);
    in.sessionFilter(Duration.ofDays(30), 50);
    return filters.copy();
  }

  OffsetDateTime instant(String name, OffsetDateTime fallback) {
    String v = take(name);
    if (v == null) {
      return fallback;
    }
    try {
      if (v.length() == 10) {
        return LocalDate.parse(v).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      return OffsetDateTime.ofInstant(Instant.parse(v), ZoneOffset.UTC);
    } catch (RuntimeException e) {
      error(name, "must be a date (YYYY-MM-DD) or an instant (2026-12-01T10:00:00Z)");
      return fallback;
    }
  }

  int integer(String name, int min, int max, int fallback) {
    String v = take(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    error(name, "must be a whole number between " + min + " and " + max);
    return fallback;
  }

  Boolean bool(String name) {
    String v = take(name);
    if (v == null) {
      return null;
    }
    if (!v.equals("true") && !v.equals("false")) {
      error(name, "must be true or false");
      return null;
    }
    return Boolean.valueOf(v);
  }

  String oneOf(String name, List<String> allowed) {
    String v = take(name);
    if (v != null && !allowed.contains(v)) {
      error(name, "must be one of " + allowed);
      return null;
    }
    return v;
  }

  String text(String name) {
    return take(name);
  }

  /**
   * {@code from} and {@code to} (default: the last {@code fallback}), checked to be in order and at
   * most a year apart.
   */
  OffsetDateTime[] range(Duration fallback) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    OffsetDateTime to = instant("to", now.plusMinutes(1));
    OffsetDateTime from = instant("from", to.minus(fallback));
    if (!from.isBefore(to)) {
      error("from", "must be before 'to'");
    } else if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      error("from", "a range covers at most 366 days");
    }
    return new OffsetDateTime[] {from, to};
  }

  SessionFilter sessionFilter(Duration fallback, int defaultLimit) {
    OffsetDateTime[] range = range(fallback);
    int healthMin = integer("healthMin", 0, 100, 0);
    int healthMax = integer("healthMax", 0, 100, 100);
    if (healthMin > healthMax) {
      error("healthMin", "must not be above healthMax");
    }
    Boolean hasFailures = bool("hasFailures");
    String provider = oneOf("provider", SessionFilter.PROVIDERS);
    String status = oneOf("status", SessionFilter.STATUSES);
    int limit = integer("limit", 1, 200, defaultLimit);
    String cursor = text("cursor");
    OffsetDateTime afterAt = null;
    UUID afterId = null;
    if (cursor != null) {
      Object[] decoded = cursor.length() > 200 ? null : ConsoleReadRepository.Cursor.decode(cursor);
      if (decoded == null) {
        error("cursor", "is not a cursor this API gave out");
      } else {
        afterAt = (OffsetDateTime) decoded[0];
        afterId = (UUID) decoded[1];
      }
    }
    finish();
    return new SessionFilter(
        range[0],
        range[1],
        healthMin,
        healthMax,
        hasFailures,
        provider,
        status,
        limit,
        afterAt,
        afterId);
  }

  private String take(String name) {
    return values.remove(name);
  }

  void error(String name, String message) {
    errors.add(new JsonObject().put("field", name).put("message", message));
  }

  /** Fails with every problem, including parameters nobody asked for. */
  void finish() {
    JsonArray all = errors.copy();
    values.keySet().stream()
        .sorted()
        .forEach(
            n ->
                all.add(
                    new JsonObject().put("field", n).put("message", "is not a known parameter")));
    if (!all.isEmpty()) {
      throw Problems.validation(all);
    }
  }
}
