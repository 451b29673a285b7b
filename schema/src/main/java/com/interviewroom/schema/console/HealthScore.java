package com.interviewroom.schema.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A session's health: 100 less the points of each failure found in it (by severity: high 30, medium
 * 15, low 5), never below 0. Every failure counts whatever its workflow status: resolving a failure
 * closes the operators' work on it, it does not make the interview a better one.
 */
public final class HealthScore {
  public static final int PERFECT = 100;

  private HealthScore() {}

  public record Counted(long failureId, FailureKind kind) {}

  public record Result(int score, JsonObject breakdown) {}

  public static Result of(List<Counted> failures) {
    int score = PERFECT;
    JsonArray deductions = new JsonArray();
    for (Counted f : failures) {
      score -= f.kind().severity.points;
      deductions.add(
          new JsonObject()
              .put("failureId", f.failureId())
              .put("kind", f.kind().dbValue())
              .put("severity", f.kind().severity.dbValue())
              .put("points", f.kind().severity.points));
    }
    int clamped = Math.max(0, score);
    return new Result(
        clamped,
        new JsonObject().put("base", PERFECT).put("deductions", deductions).put("score", clamped));
  }
}
