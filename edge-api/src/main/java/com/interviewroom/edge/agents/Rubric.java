package com.interviewroom.edge.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scoring rubric shared by the model and the heuristic evaluator: the dimensions, their weights
 * in the overall score, and the documented rule (docs/evaluation.md) that turns dimension scores
 * into a hiring recommendation. The recommendation is never the model's own opinion.
 */
public final class Rubric {
  public static final String VERSION = "2026-11.1";
  public static final List<String> DIMENSIONS =
      List.of("problem_solving", "code_quality", "communication", "efficiency", "testing");
  static final Map<String, Double> WEIGHTS = new LinkedHashMap<>();

  static {
    WEIGHTS.put("problem_solving", 0.30);
    WEIGHTS.put("code_quality", 0.20);
    WEIGHTS.put("communication", 0.20);
    WEIGHTS.put("efficiency", 0.15);
    WEIGHTS.put("testing", 0.15);
  }

  private Rubric() {}

  /**
   * Weighted mean of the assessed dimension scores, one decimal. A dimension that is not assessed
   * (absent or null, e.g. communication without any transcribed words) is left out and the other
   * weights are scaled up, so it neither lowers nor raises the overall.
   */
  public static double overall(Map<String, Integer> scores) {
    double sum = 0;
    double weights = 0;
    for (String d : DIMENSIONS) {
      if (scores.get(d) != null) {
        sum += WEIGHTS.get(d) * scores.get(d);
        weights += WEIGHTS.get(d);
      }
    }
    return weights == 0 ? 1.0 : Math.round(sum / weights * 10) / 10.0;
  }

  /** The dimensions without a score. */
  public static List<String> notAssessed(Map<String, Integer> scores) {
    return DIMENSIONS.stream().filter(d -> scores.get(d) == null).toList();
  }

  /**
   * strong_yes: overall ≥ 8.0 and every dimension ≥ 6; yes: overall ≥ 6.5 and every dimension ≥ 4;
   * maybe: overall ≥ 5.0; no: otherwise.
   */
  public static String recommendation(Map<String, Integer> scores) {
    double overall = overall(scores);
    int lowest =
        scores.values().stream()
            .filter(java.util.Objects::nonNull)
            .mapToInt(Integer::intValue)
            .min()
            .orElse(1);
    if (overall >= 8.0 && lowest >= 6) {
      return "strong_yes";
    }
    if (overall >= 6.5 && lowest >= 4) {
      return "yes";
    }
    return overall >= 5.0 ? "maybe" : "no";
  }

  public static int clamp(long score) {
    return (int) Math.max(1, Math.min(10, score));
  }

  /** The forced tool's input schema for the evaluator model. */
  public static JsonObject toolSchema() {
    JsonObject dimension =
        new JsonObject()
            .put("type", "object")
            .put(
                "properties",
                new JsonObject()
                    .put(
                        "score",
                        new JsonObject()
                            .put("type", "integer")
                            .put("minimum", 1)
                            .put("maximum", 10))
                    .put("rationale", new JsonObject().put("type", "string"))
                    .put(
                        "evidence",
                        new JsonObject()
                            .put("type", "array")
                            .put(
                                "description",
                                "ids exactly as given: transcript:<itemId>, snapshot:<uuid>, test:<id>")
                            .put("items", new JsonObject().put("type", "string"))))
            .put("required", new JsonArray().add("score").add("rationale").add("evidence"));
    JsonObject scores =
        new JsonObject()
            .put("type", "object")
            .put("properties", new JsonObject())
            .put("required", new JsonArray(DIMENSIONS));
    DIMENSIONS.forEach(d -> scores.getJsonObject("properties").put(d, dimension.copy()));
    JsonObject strings =
        new JsonObject()
            .put("type", "array")
            .put("items", new JsonObject().put("type", "string"))
            .put("maxItems", 6);
    return new JsonObject()
        .put("type", "object")
        .put(
            "properties",
            new JsonObject()
                .put("scores", scores)
                .put("strengths", strings.copy())
                .put("improvements", strings.copy())
                .put("summary", new JsonObject().put("type", "string")))
        .put(
            "required",
            new JsonArray().add("scores").add("strengths").add("improvements").add("summary"));
  }

  /** Escapes every {@code <} and {@code &}, so no raw HTML survives into the Markdown report. */
  public static String sanitize(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
