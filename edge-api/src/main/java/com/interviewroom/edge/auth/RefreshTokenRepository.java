package com.interviewroom.edge.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The SQL of refresh tokens (service role; app_user has no grant on the table). Tokens are looked
 * up by their SHA-256 only.
 */
final class RefreshTokenRepository {
  private static final String INSERT =
      """
      INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at)
      VALUES ($1, $2, $3, now() + make_interval(secs => $4))""";

  /**
   * Row-locked, so two refreshes with one token run one after the other and the second sees the
   * first's use.
   */
  private static final String FIND_FOR_UPDATE =
      """
      SELECT r.id, r.family_id, r.user_id, u.email, r.used_at, r.revoked_at,
             r.expires_at <= now() AS expired,
             r.used_at > now() - make_interval(secs => $2) AS within_grace
        FROM refresh_tokens r JOIN users u ON u.id = r.user_id
       WHERE r.token_hash = $1
         FOR UPDATE OF r""";

  private static final String MARK_USED = "UPDATE refresh_tokens SET used_at = now() WHERE id = $1";
  private static final String REVOKE_FAMILY =
      """
      UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL""";
  private static final String REVOKE_FAMILY_OF =
      """
      UPDATE refresh_tokens SET revoked_at = now()
       WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL""";
  private static final String REVOKE_USER =
      """
      UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL""";
  private static final String PURGE_EXPIRED =
      "DELETE FROM refresh_tokens WHERE user_id = $1 AND expires_at < now()";

  /** One stored token, as found by its hash. */
  record Stored(
      UUID id,
      UUID familyId,
      UUID userId,
      String email,
      boolean used,
      boolean revoked,
      boolean expired,
      boolean withinGrace) {}

  private RefreshTokenRepository() {}

  static Future<Void> insert(
      SqlClient sql, UUID familyId, UUID userId, byte[] tokenHash, Duration ttl) {
    return sql.preparedQuery(INSERT)
        .execute(Tuple.of(familyId, userId, Buffer.buffer(tokenHash), (double) ttl.toSeconds()))
        .mapEmpty();
  }

  static Future<Stored> findForUpdate(SqlClient sql, byte[] tokenHash, Duration grace) {
    return sql.preparedQuery(FIND_FOR_UPDATE)
        .execute(Tuple.of(Buffer.buffer(tokenHash), (double) grace.toSeconds()))
        .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
  }

  static Future<Void> markUsed(SqlClient sql, UUID id) {
    return sql.preparedQuery(MARK_USED).execute(Tuple.of(id)).mapEmpty();
  }

  static Future<Void> revokeFamily(SqlClient sql, UUID familyId) {
    return sql.preparedQuery(REVOKE_FAMILY).execute(Tuple.of(familyId)).mapEmpty();
  }

  static Future<Void> revokeFamilyOf(SqlClient sql, byte[] tokenHash) {
    return sql.preparedQuery(REVOKE_FAMILY_OF)
        .execute(Tuple.of(Buffer.buffer(tokenHash)))
        .mapEmpty();
  }

  /** Revokes every family of the user; the number of tokens revoked. */
  static Future<Integer> revokeUser(SqlClient sql, UUID userId) {
    return sql.preparedQuery(REVOKE_USER).execute(Tuple.of(userId)).map(rows -> rows.rowCount());
  }

  static Future<Void> purgeExpired(SqlClient sql, UUID userId) {
    return sql.preparedQuery(PURGE_EXPIRED).execute(Tuple.of(userId)).mapEmpty();
  }

  private static Stored stored(Row row) {
    OffsetDateTime used = row.getOffsetDateTime("used_at");
    OffsetDateTime revoked = row.getOffsetDateTime("revoked_at");
    return new Stored(
        row.getUUID("id"),
        row.getUUID("family_id"),
        row.getUUID("user_id"),
        row.getString("email"),
        used != null,
        revoked != null,
        row.getBoolean("expired"),
        Boolean.TRUE.equals(row.getBoolean("within_grace")));
  }
}
