package com.interviewroom.edge.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-dimension scores with rationale and evidence, strengths, improvements and a summary: the
 * common shape of the model's and the heuristic evaluator's answers.
 *
 * @param evidence per dimension, {@code {transcriptItems:[...], snapshots:[...], tests:[...]}}
 */
public record Judgement(
    Map<String, Integer> scores,
    Map<String, String> rationale,
    Map<String, JsonObject> evidence,
    List<String> strengths,
    List<String> improvements,
    String summary,
    String model) {

  /**
   * Evidence strings ({@code transcript:x}, {@code snapshot:y}, {@code test:z:passed}) grouped by
   * kind.
   */
  static JsonObject evidence(List<String> refs) {
    JsonArray transcript = new JsonArray();
    JsonArray snapshots = new JsonArray();
    JsonArray tests = new JsonArray();
    for (String ref : refs) {
      if (ref.startsWith("transcript:")) {
        transcript.add(ref.substring("transcript:".length()));
      } else if (ref.startsWith("snapshot:")) {
        snapshots.add(ref.substring("snapshot:".length()));
      } else if (ref.startsWith("test:")) {
        tests.add(ref.substring("test:".length()));
      }
    }
    return new JsonObject()
        .put("transcriptItems", transcript)
        .put("snapshots", snapshots)
        .put("tests", tests);
  }

  /**
   * The model's tool input as a judgement, or null when it does not fit the schema. Evidence the
   * model cites is kept only if the id exists in this session, so a made-up reference never lands.
   */
  static Judgement fromModel(JsonObject input, Set<String> knownRefs, String model) {
    if (!(input.getValue("scores") instanceof JsonObject scores)
        || !(input.getValue("summary") instanceof String summary)) {
      return null;
    }
    List<String> strengths = strings(input.getValue("strengths"));
    List<String> improvements = strings(input.getValue("improvements"));
    if (strengths == null || improvements == null) {
      return null;
    }
    Map<String, Integer> s = new LinkedHashMap<>();
    Map<String, String> r = new LinkedHashMap<>();
    Map<String, JsonObject> e = new LinkedHashMap<>();
    for (String d : Rubric.DIMENSIONS) {
      if (!(scores.getValue(d) instanceof JsonObject dim)
          || !(dim.getValue("score") instanceof Number n)
          || n.doubleValue() != Math.rint(n.doubleValue())
          || n.intValue() < 1
          || n.intValue() > 10
          || !(dim.getValue("rationale") instanceof String rationale)) {
        return null;
      }
      List<String> refs = strings(dim.getValue("evidence"));
      if (refs == null) {
        return null;
      }
      s.put(d, n.intValue());
      r.put(d, rationale);
      e.put(d, evidence(refs.stream().filter(knownRefs::contains).toList()));
    }
    return new Judgement(s, r, e, strengths, improvements, summary, model);
  }

  private static List<String> strings(Object value) {
    if (!(value instanceof JsonArray array)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String s)) {
        return null;
      }
      out.add(s);
    }
    return out;
  }
}
