package com.interviewroom.edge.problem;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the problem bank under row-level security: catalog reads through the {@code app_user}
 * catalog pool (public rows only, one round trip), the random pick as the calling user because it
 * looks at their own recent sessions.
 *
 * <p>The public document of one problem ({@link #document}) is kept in memory for {@link
 * #DOCUMENT_TTL} once found: problems are public, the same for every user, and change only when a
 * deploy re-seeds the bank, so a node serves a changed problem at most that long after the change.
 * Only found problems are kept (at most one entry per problem in the bank), so unknown slugs cannot
 * grow the map, and a problem added later is seen at once.
 */
public final class ProblemService {
  public static final Duration DOCUMENT_TTL = Duration.ofSeconds(60);

  private record Cached(Buffer json, long expiresAtNanos) {}

  private final Database db;
  private final Map<String, Cached> documents = new ConcurrentHashMap<>();

  public ProblemService(Database db) {
    this.db = db;
  }

  public Future<JsonObject> list(String difficulty, String category, int page, int pageSize) {
    return db.catalog(
            sql ->
                ProblemRepository.list(sql, difficulty, category, pageSize, (page - 1) * pageSize))
        .map(
            result ->
                new JsonObject()
                    .put("items", new JsonArray(result.items()))
                    .put("page", page)
                    .put("pageSize", pageSize)
                    .put("total", result.total()));
  }

  /** {@code GET /api/problems/{slug}}: the problem's public JSON document, encoded. */
  public Future<Buffer> document(String slug) {
    long now = System.nanoTime();
    Cached cached = documents.get(slug);
    if (cached != null && cached.expiresAtNanos() - now > 0) {
      return Future.succeededFuture(cached.json());
    }
    return db.catalog(sql -> ProblemRepository.bySlug(sql, slug))
        .map(
            view -> {
              Buffer json = found(view, "No problem has this slug.").json().toBuffer();
              documents.put(slug, new Cached(json, now + DOCUMENT_TTL.toNanos()));
              return json;
            });
  }

  /** {@code userId} null (an anonymous visitor): any matching problem, from the catalog pool. */
  public Future<JsonObject> random(UUID userId, String difficulty, String category) {
    Future<ProblemRepository.ProblemView> pick =
        userId == null
            ? ProblemRepository.random(db.catalog(), null, difficulty, category)
            : db.asUser(userId, sql -> ProblemRepository.random(sql, userId, difficulty, category));
    return pick.map(view -> found(view, "No problem matches these filters.").json());
  }

  static ProblemRepository.ProblemView found(ProblemRepository.ProblemView view, String detail) {
    if (view == null) {
      throw new ApiException(404, "problem_not_found", "Not Found", detail);
    }
    return view;
  }
}
