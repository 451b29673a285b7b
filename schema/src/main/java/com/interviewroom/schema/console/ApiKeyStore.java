package com.interviewroom.schema.console;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * API keys at rest: the public prefix, the HMAC of the whole key, metadata. The key itself is made
 * and checked by the edge ({@code edge.console.ApiKeyAuth}); nothing here ever sees a secret.
 */
public final class ApiKeyStore {
  private static final String INSERT =
      """
      INSERT INTO api_keys (prefix, key_hash, name, created_by) VALUES ($1, $2, $3, $4)
      RETURNING id, prefix, name, scope, created_at, last_used_at, revoked_at""";
  private static final String LIST =
      "SELECT id, prefix, name, scope, created_at, last_used_at, revoked_at FROM api_keys ORDER BY created_at DESC LIMIT 200";
  private static final String BY_PREFIX =
      "SELECT id, key_hash, scope, revoked_at FROM api_keys WHERE prefix = $1";
  private static final String REVOKE =
      """
      UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
      RETURNING id, prefix, name, scope, created_at, last_used_at, revoked_at""";

  /** At most once a minute per key, whatever the number of processes serving it. */
  private static final String TOUCH =
      """
      UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')""";

  private final Database db;

  public ApiKeyStore(Database db) {
    this.db = db;
  }

  /** What a prefix lookup finds; null fields when no key has the prefix. */
  public record Stored(UUID id, byte[] hash, String scope, boolean revoked) {}

  public Future<JsonObject> insert(String prefix, byte[] hash, String name, UUID createdBy) {
    return db.asService(
            sql ->
                sql.preparedQuery(INSERT)
                    .execute(Tuple.of(prefix, Buffer.buffer(hash), name, createdBy)))
        .map(rows -> json(rows.iterator().next()));
  }

  public Future<JsonArray> list() {
    return db.asConsole(null, sql -> sql.query(LIST).execute())
        .map(
            rows -> {
              JsonArray out = new JsonArray();
              rows.forEach(r -> out.add(json(r)));
              return out;
            });
  }

  /** Null when no key has this prefix. */
  public Future<Stored> byPrefix(String prefix) {
    return db.asService(sql -> sql.preparedQuery(BY_PREFIX).execute(Tuple.of(prefix)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new Stored(
                  r.getUUID("id"),
                  r.getBuffer("key_hash").getBytes(),
                  r.getString("scope"),
                  r.getOffsetDateTime("revoked_at") != null);
            });
  }

  /** Null when there is no such key; revoking twice keeps the first time. */
  public Future<JsonObject> revoke(UUID id) {
    return db.asService(sql -> sql.preparedQuery(REVOKE).execute(Tuple.of(id)))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  public Future<Void> touch(UUID id) {
    return db.asService(sql -> sql.preparedQuery(TOUCH).execute(Tuple.of(id))).mapEmpty();
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("prefix", r.getString("prefix"))
        .put("name", r.getString("name"))
        .put("scope", r.getString("scope"))
        .put("createdAt", ConsoleReadRepository.text(r.getOffsetDateTime("created_at")))
        .put("lastUsedAt", ConsoleReadRepository.text(r.getOffsetDateTime("last_used_at")))
        .put("revokedAt", ConsoleReadRepository.text(r.getOffsetDateTime("revoked_at")))
        .put("revoked", r.getOffsetDateTime("revoked_at") != null);
  }
}
