package com.interviewroom.edge.progress;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * A candidate's scores over time: each rubric dimension (and the overall) as a series of points in
 * the order the sessions were held, for all sessions together, per problem category and per group.
 * A dimension that was not assessed in a session (null) has no point there, rather than a zero.
 */
public final class Progress {
  /** What the caller asked for; nulls mean "any". The skill is its keyed hash, never the raw id. */
  public record Filter(String groupId, String category, String trackedSkillIdHash) {}

  public record Problem(String slug, String title, String category, String difficulty) {}

  /** One completed evaluation: when the session was held and what it scored. */
  public record Evaluated(
      UUID sessionId,
      Instant heldAt,
      Instant evaluatedAt,
      String groupId,
      Problem problem,
      Double overall,
      JsonObject scores) {
    /**
     * A dimension's score as stored: a number, or an object with a numeric {@code score}; null when
     * not assessed.
     */
    Double score(String dimension) {
      Object value = "overall".equals(dimension) ? overall : scores.getValue(dimension);
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      if (value instanceof JsonObject o && o.getValue("score") instanceof Number n) {
        return n.doubleValue();
      }
      return null;
    }
  }

  private final List<String> dimensions;

  /** {@code dimensions}: the rubric's, in display order; "overall" is added first. */
  public Progress(List<String> dimensions) {
    List<String> all = new ArrayList<>();
    all.add("overall");
    all.addAll(dimensions);
    this.dimensions = List.copyOf(all);
  }

  /** The answer for evaluations given oldest first. */
  public JsonObject of(List<Evaluated> oldestFirst, Filter filter, boolean truncated) {
    JsonArray evaluations = new JsonArray();
    oldestFirst.forEach(e -> evaluations.add(json(e)));
    return new JsonObject()
        .put("dimensions", new JsonArray(dimensions))
        .put(
            "filters",
            new JsonObject()
                .put("groupId", filter.groupId())
                .put("category", filter.category())
                .put("trackedSkill", filter.trackedSkillIdHash() != null))
        .put("sessions", oldestFirst.size())
        .put("truncated", truncated)
        .put("evaluations", evaluations)
        .put("series", series(oldestFirst))
        .put("byCategory", grouped(oldestFirst, e -> e.problem().category(), "category"))
        .put("byGroup", grouped(oldestFirst, Evaluated::groupId, "groupId"));
  }

  private JsonObject json(Evaluated e) {
    JsonObject scores = new JsonObject();
    dimensions.forEach(d -> scores.put(d, e.score(d)));
    return new JsonObject()
        .put("sessionId", e.sessionId().toString())
        .put("heldAt", e.heldAt().toString())
        .put("evaluatedAt", e.evaluatedAt().toString())
        .put("groupId", e.groupId())
        .put(
            "problem",
            new JsonObject()
                .put("slug", e.problem().slug())
                .put("title", e.problem().title())
                .put("category", e.problem().category())
                .put("difficulty", e.problem().difficulty()))
        .put("scores", scores);
  }

  private JsonObject series(List<Evaluated> oldestFirst) {
    JsonObject series = new JsonObject();
    for (String d : dimensions) {
      JsonArray points = new JsonArray();
      for (Evaluated e : oldestFirst) {
        Double score = e.score(d);
        if (score != null) {
          points.add(
              new JsonObject()
                  .put("sessionId", e.sessionId().toString())
                  .put("at", e.heldAt().toString())
                  .put("score", score));
        }
      }
      series.put(d, points);
    }
    return series;
  }

  private JsonArray grouped(
      List<Evaluated> oldestFirst, Function<Evaluated, String> key, String name) {
    Map<String, List<Evaluated>> groups = new TreeMap<>();
    for (Evaluated e : oldestFirst) {
      String k = key.apply(e);
      if (k != null) {
        groups.computeIfAbsent(k, ignored -> new ArrayList<>()).add(e);
      }
    }
    JsonArray out = new JsonArray();
    groups.forEach(
        (k, members) ->
            out.add(
                new JsonObject()
                    .put(name, k)
                    .put("sessions", members.size())
                    .put("series", series(members))));
    return out;
  }
}
