package com.interviewroom.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Message shapes extracted from a provider's official SDK (by {@code extract_shapes.py}, kept as
 * test data with the repository and commit it read): for every object, its required and allowed
 * fields and the types of its nested fields. {@link #violations} checks one JSON message against a
 * root (an event type, or the request/response of an API): a missing required field, a field the
 * SDK does not define, or a nested object that fits none of its types.
 */
public final class ProviderShapes {
  private final JsonObject data;

  private ProviderShapes(JsonObject data) {
    this.data = data;
  }

  /** Loads {@code provider-shapes/<name>.json} from the test classpath. */
  public static ProviderShapes load(String name) {
    String resource = "provider-shapes/" + name + ".json";
    try (InputStream in = ProviderShapes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new ProviderShapes(
          new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code repository@commit}, as noted in the data file. */
  public String source() {
    JsonObject s = data.getJsonObject("source");
    return s.getString("repository") + "@" + s.getString("commit");
  }

  public boolean hasRoot(String root) {
    return data.getJsonObject("roots").containsKey(root);
  }

  /** What is wrong with {@code message} as a {@code root}; empty when it fits. */
  public List<String> violations(String root, JsonObject message) {
    String key = data.getJsonObject("roots").getString(root);
    if (key == null) {
      return List.of(root + ": no such message in " + source());
    }
    List<String> out = new ArrayList<>();
    check(List.of(key), message, root, out);
    return out;
  }

  private void check(List<String> candidates, Object value, String where, List<String> out) {
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        check(candidates, array.getValue(i), where + "[" + i + "]", out);
      }
      return;
    }
    if (!(value instanceof JsonObject object) || candidates.isEmpty()) {
      return; // primitives are not checked, and a field without object types takes any object
      // (dicts)
    }
    List<String> fitting = candidates;
    if (object.getValue("type") instanceof String type) {
      List<String> typed =
          candidates.stream().filter(c -> type.equals(shape(c).getString("type"))).toList();
      boolean anyTyped = candidates.stream().anyMatch(c -> shape(c).containsKey("type"));
      if (!typed.isEmpty()) {
        fitting = typed;
      } else if (anyTyped && candidates.stream().allMatch(c -> shape(c).containsKey("type"))) {
        out.add(where + ": type '" + type + "' is none of the SDK's types here");
        return;
      }
    }
    List<List<String>> attempts = new ArrayList<>();
    for (String candidate : fitting) {
      List<String> problems = new ArrayList<>();
      checkObject(candidate, object, where, problems);
      if (problems.isEmpty()) {
        return;
      }
      attempts.add(problems);
    }
    out.addAll(attempts.stream().min(Comparator.comparingInt(List::size)).orElse(List.of()));
  }

  private void checkObject(String key, JsonObject object, String where, List<String> out) {
    JsonObject shape = shape(key);
    for (Object required : shape.getJsonArray("required")) {
      if (!object.containsKey((String) required)) {
        out.add(where + "." + required + ": required by " + key + " but missing");
      }
    }
    JsonArray allowed = shape.getJsonArray("allowed");
    JsonObject types = shape.getJsonObject("types");
    for (String field : object.fieldNames()) {
      if (!allowed.contains(field)) {
        out.add(where + "." + field + ": not a field of " + key);
      } else if (types.containsKey(field) && object.getValue(field) != null) {
        check(
            types.getJsonArray(field).stream().map(String.class::cast).toList(),
            object.getValue(field),
            where + "." + field,
            out);
      }
    }
  }

  private JsonObject shape(String key) {
    return data.getJsonObject("objects").getJsonObject(key);
  }
}
