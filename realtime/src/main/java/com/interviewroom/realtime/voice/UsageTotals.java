package com.interviewroom.realtime.voice;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Token usage as nested JSON counters ({@code total_tokens}, {@code responses}, {@code
 * by_provider.openai...}).
 */
final class UsageTotals {
  private UsageTotals() {}

  /** Adds every numeric leaf of {@code increment} into {@code totals}, nested objects included. */
  static void add(JsonObject totals, JsonObject increment) {
    for (Map.Entry<String, Object> e : increment) {
      if (e.getValue() instanceof Number n) {
        Object current = totals.getValue(e.getKey());
        long before = current instanceof Number c ? c.longValue() : 0L;
        totals.put(e.getKey(), before + n.longValue());
      } else if (e.getValue() instanceof JsonObject nested) {
        Object current = totals.getValue(e.getKey());
        JsonObject target = current instanceof JsonObject c ? c : new JsonObject();
        totals.put(e.getKey(), target);
        add(target, nested);
      }
    }
  }
}
