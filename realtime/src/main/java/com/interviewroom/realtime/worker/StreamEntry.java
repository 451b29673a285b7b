package com.interviewroom.realtime.worker;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One entry of the {@code events} stream (fields as written by {@code EventStream.publish}). */
public record StreamEntry(String id, Map<String, String> fields) {

  public String type() {
    return fields.getOrDefault("type", "");
  }

  public UUID sessionId() {
    String raw = fields.get("sessionId");
    try {
      return raw == null || raw.isEmpty() ? null : UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The {@code data} field as JSON; an unparseable one is empty, and the handler decides. */
  public JsonObject data() {
    String raw = fields.get("data");
    try {
      return raw == null ? new JsonObject() : new JsonObject(raw);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /** {@code [id, [field, value, ...]]}; null when the entry was deleted (trimmed) meanwhile. */
  static StreamEntry parse(Response entry) {
    if (entry == null || entry.size() < 2 || entry.get(1) == null) {
      return null;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Response pairs = entry.get(1);
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      fields.put(pairs.get(i).toString(), pairs.get(i + 1).toString());
    }
    return new StreamEntry(entry.get(0).toString(), fields);
  }
}
