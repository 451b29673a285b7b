package com.interviewroom.schema.admin;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * The admin role: held by the accounts whose address is in {@code ADMIN_EMAILS}, or by those
 * granted it with the {@code admin} command on the jar (the {@code admins} table). Granting and
 * revoking take the owner's connection ({@link Database#pool()}): no application role may write the
 * table (V12), so no API path can grant admin.
 */
public final class AdminRepository {
  private static final String IS_ADMIN =
      """
      SELECT lower(u.email) = ANY($2::text[]) OR EXISTS (SELECT 1 FROM admins a WHERE a.user_id = u.id) AS admin
      FROM users u WHERE u.id = $1""";
  private static final String GRANT =
      """
      INSERT INTO admins (user_id, granted_by) SELECT id, $2 FROM users WHERE lower(email) = lower($1)
      ON CONFLICT (user_id) DO NOTHING RETURNING user_id""";
  private static final String KNOWN = "SELECT id FROM users WHERE lower(email) = lower($1)";
  private static final String LIST =
      """
      SELECT u.email, a.granted_by, a.granted_at FROM admins a JOIN users u ON u.id = a.user_id ORDER BY a.granted_at""";
  private static final String REVOKE =
      "DELETE FROM admins WHERE user_id IN (SELECT id FROM users WHERE lower(email) = lower($1)) RETURNING user_id";

  /** What a grant or revoke did. */
  public enum Change {
    CHANGED,
    UNCHANGED,
    NO_SUCH_USER
  }

  private AdminRepository() {}

  /** True when {@code userId}'s account holds the admin role; a deleted account never does. */
  public static Future<Boolean> isAdmin(Database db, UUID userId, Set<String> adminEmails) {
    return db.asService(
            conn ->
                conn.preparedQuery(IS_ADMIN)
                    .execute(
                        Tuple.tuple()
                            .addUUID(userId)
                            .addArrayOfString(adminEmails.toArray(String[]::new))))
        .map(
            rows ->
                rows.size() > 0 && Boolean.TRUE.equals(rows.iterator().next().getBoolean("admin")));
  }

  /**
   * Grants the role to the account of {@code email}; {@code owner} must be the owner's connection.
   */
  public static Future<Change> grant(SqlClient owner, String email, String grantedBy) {
    return owner
        .preparedQuery(GRANT)
        .execute(Tuple.of(email, grantedBy))
        .compose(
            rows ->
                rows.size() > 0
                    ? Future.succeededFuture(Change.CHANGED)
                    : known(owner, email, Change.UNCHANGED));
  }

  public static Future<Change> revoke(SqlClient owner, String email) {
    return owner
        .preparedQuery(REVOKE)
        .execute(Tuple.of(email))
        .compose(
            rows ->
                rows.size() > 0
                    ? Future.succeededFuture(Change.CHANGED)
                    : known(owner, email, Change.UNCHANGED));
  }

  /** The granted admins, oldest grant first: email, granted_by, granted_at. */
  public static Future<RowSet<Row>> list(SqlClient owner) {
    return owner.query(LIST).execute();
  }

  private static Future<Change> known(SqlClient owner, String email, Change ifKnown) {
    return owner
        .preparedQuery(KNOWN)
        .execute(Tuple.of(email))
        .map(rows -> rows.size() > 0 ? ifKnown : Change.NO_SUCH_USER);
  }
}
