package com.interviewroom.edge.problem;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Reads the problem bank under row-level security: catalog reads through the {@code app_user}
 * catalog pool (public rows only, one round trip), the random pick as the calling user because it
 * looks at their own recent sessions.
 */
public final class ProblemService {
  private final Database db;

  public ProblemService(Database db) {
    this.db = db;
  }

  public Future<JsonObject> list(String difficulty, String category, int page, int pageSize) {
    return ProblemRepository.list(db.catalog(), difficulty, category, pageSize, (page - 1) * pageSize)
        .map(result -> new JsonObject()
            .put("items", new JsonArray(result.items()))
            .put("page", page)
            .put("pageSize", pageSize)
            .put("total", result.total()));
  }

  public Future<JsonObject> bySlug(String slug) {
    return ProblemRepository.bySlug(db.catalog(), slug)
        .map(view -> found(view, "No problem has this slug.").json());
  }

  public Future<JsonObject> random(UUID userId, String difficulty, String category) {
    return db.asUser(userId, sql -> ProblemRepository.random(sql, userId, difficulty, category))
        .map(view -> found(view, "No problem matches these filters.").json());
  }

  static ProblemRepository.ProblemView found(ProblemRepository.ProblemView view, String detail) {
    if (view == null) {
      throw new ApiException(404, "problem_not_found", "Not Found", detail);
    }
    return view;
  }
}
