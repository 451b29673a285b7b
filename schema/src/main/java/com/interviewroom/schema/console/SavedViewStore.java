package com.interviewroom.schema.console;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * An operator's named session filters. The natural key is (operator, name): creating a view under a
 * name the operator already uses replaces its filters and answers the same view, so a retried POST
 * changes nothing; a DELETE of a view already gone is done too.
 */
public final class SavedViewStore {
  private static final String LIST =
      "SELECT id, name, filters, created_at, updated_at FROM saved_views WHERE owner_id = $1 ORDER BY name";
  private static final String UPSERT =
      """
      INSERT INTO saved_views (owner_id, name, filters) VALUES ($1, $2, $3)
      ON CONFLICT (owner_id, name) DO UPDATE SET filters = EXCLUDED.filters,
        updated_at = CASE WHEN saved_views.filters = EXCLUDED.filters THEN saved_views.updated_at ELSE now() END
      RETURNING id, name, filters, created_at, updated_at, (xmax = 0) AS created""";
  private static final String UPDATE =
      """
      UPDATE saved_views SET name = $3, filters = $4, updated_at = now() WHERE id = $1 AND owner_id = $2
      RETURNING id, name, filters, created_at, updated_at, false AS created""";
  private static final String DELETE = "DELETE FROM saved_views WHERE id = $1 AND owner_id = $2";

  private final Database db;

  public SavedViewStore(Database db) {
    this.db = db;
  }

  public record Saved(JsonObject view, boolean created) {}

  public Future<JsonArray> list(UUID operatorId) {
    return db.asConsole(operatorId, sql -> sql.preparedQuery(LIST).execute(Tuple.of(operatorId)))
        .map(
            rows -> {
              JsonArray out = new JsonArray();
              rows.forEach(r -> out.add(json(r)));
              return out;
            });
  }

  public Future<Saved> create(UUID operatorId, String name, JsonObject filters) {
    return db.asService(
            sql -> sql.preparedQuery(UPSERT).execute(Tuple.of(operatorId, name, filters)))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new Saved(json(r), r.getBoolean("created"));
            });
  }

  /** Null when the operator has no such view; a name another of their views has is a 23505. */
  public Future<JsonObject> replace(UUID operatorId, UUID id, String name, JsonObject filters) {
    return db.asService(
            sql -> sql.preparedQuery(UPDATE).execute(Tuple.of(id, operatorId, name, filters)))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  public Future<Void> delete(UUID operatorId, UUID id) {
    return db.asService(sql -> sql.preparedQuery(DELETE).execute(Tuple.of(id, operatorId)))
        .mapEmpty();
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("name", r.getString("name"))
        .put("filters", r.getValue("filters"))
        .put("createdAt", ConsoleReadRepository.text(r.getOffsetDateTime("created_at")))
        .put("updatedAt", ConsoleReadRepository.text(r.getOffsetDateTime("updated_at")));
  }
}
