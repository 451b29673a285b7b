package com.interviewroom.edge.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The SQL of built-in accounts. Runs as the service role: signup and login precede any user
 * identity.
 */
final class SignInRepository {
  static final String UNIQUE_VIOLATION = "23505";

  private static final String INSERT =
      """
      INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id, email""";

  /**
   * Emails are stored normalised (JsonInput.normalizeEmail) and compared exactly; the lower()
   * condition is there so the lookup uses users_email_lower_key. A deleted account (V8) is found
   * only within its restore window ($2 days); past it, it is as unknown as one never created.
   */
  private static final String BY_EMAIL =
      """
      SELECT id, email, password_hash, deleted_at IS NOT NULL AS deleted FROM users
       WHERE lower(email) = lower($1) AND email = $1
         AND (deleted_at IS NULL OR deleted_at > now() - make_interval(days => $2))""";

  /** A login within the restore window makes a deleted account active again. */
  private static final String RESTORE =
      "UPDATE users SET deleted_at = NULL WHERE id = $1 AND deleted_at IS NOT NULL";

  private static final String ACCEPT_TERMS =
      """
      UPDATE profiles SET terms_version = $2, terms_accepted_at = now(), updated_at = now() WHERE user_id = $1""";

  /** Read by the profile trigger (V6): this transaction's new user starts with 0 credits. */
  private static final String WITHHOLD_SIGNUP_BONUS =
      "SELECT set_config('app.signup_bonus', 'none', true)";

  // Only a repeat of the same id is "already there"; an email held by another account must fail
  // (23505 on users_email_lower_key), or the user would be marked provisioned without a row.
  // The email may be null: Clerk's default session token has no email claim (V4).
  // A deleted account (V8) signing in again at its issuer with a token issued after the deletion
  // is restored, as a built-in account is by a login.
  private static final String ENSURE_EXTERNAL =
      """
      INSERT INTO users (id, email) VALUES ($1, $2)
      ON CONFLICT (id) DO UPDATE SET deleted_at = NULL WHERE users.deleted_at IS NOT NULL""";

  record Account(UUID id, String email, String passwordHash, boolean deleted) {}

  private SignInRepository() {}

  static Future<Account> insert(SqlClient sql, String email, String passwordHash) {
    return sql.preparedQuery(INSERT)
        .execute(Tuple.of(email, passwordHash))
        .map(rows -> toAccount(rows.iterator().next(), null));
  }

  static Future<Account> byEmail(SqlClient sql, String email, int restoreDays) {
    return sql.preparedQuery(BY_EMAIL)
        .execute(Tuple.of(email, restoreDays))
        .map(
            rows ->
                rows.size() == 0
                    ? null
                    : toAccount(
                        rows.iterator().next(), rows.iterator().next().getString("password_hash")));
  }

  static Future<Void> restore(SqlClient sql, UUID userId) {
    return sql.preparedQuery(RESTORE).execute(Tuple.of(userId)).mapEmpty();
  }

  static Future<Void> acceptTerms(SqlClient sql, UUID userId, String termsVersion) {
    return sql.preparedQuery(ACCEPT_TERMS).execute(Tuple.of(userId, termsVersion)).mapEmpty();
  }

  static Future<Void> withholdSignupBonus(SqlClient sql) {
    return sql.query(WITHHOLD_SIGNUP_BONUS).execute().mapEmpty();
  }

  /**
   * A user of an external issuer gets a row (and, through the trigger, a profile) on first sight.
   */
  static Future<Void> ensureExternal(SqlClient sql, UUID id, String email) {
    return sql.preparedQuery(ENSURE_EXTERNAL).execute(Tuple.of(id, email)).mapEmpty();
  }

  private static Account toAccount(Row row, String hash) {
    return new Account(
        row.getUUID("id"),
        row.getString("email"),
        hash,
        hash != null && Boolean.TRUE.equals(row.getBoolean("deleted")));
  }
}
