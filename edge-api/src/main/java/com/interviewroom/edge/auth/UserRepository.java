package com.interviewroom.edge.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The SQL of built-in accounts. Runs as the service role: signup and login precede any user identity. */
final class UserRepository {
  static final String UNIQUE_VIOLATION = "23505";

  private static final String INSERT = """
      INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id, email""";
  /**
   * Emails are stored normalised (JsonInput.normalizeEmail) and compared exactly; the lower()
   * condition is there so the lookup uses users_email_lower_key.
   */
  private static final String BY_EMAIL = """
      SELECT id, email, password_hash FROM users WHERE lower(email) = lower($1) AND email = $1""";
  private static final String ACCEPT_TERMS = """
      UPDATE profiles SET terms_version = $2, terms_accepted_at = now(), updated_at = now() WHERE user_id = $1""";
  /** Read by the profile trigger (V6): this transaction's new user starts with 0 credits. */
  private static final String WITHHOLD_SIGNUP_BONUS = "SELECT set_config('app.signup_bonus', 'none', true)";
  // Only a repeat of the same id is "already there"; an email held by another account must fail
  // (23505 on users_email_lower_key), or the user would be marked provisioned without a row.
  // The email may be null: Clerk's default session token has no email claim (V4).
  private static final String ENSURE_EXTERNAL = """
      INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING""";

  record Account(UUID id, String email, String passwordHash) {}

  private UserRepository() {}

  static Future<Account> insert(SqlClient sql, String email, String passwordHash) {
    return sql.preparedQuery(INSERT).execute(Tuple.of(email, passwordHash))
        .map(rows -> toAccount(rows.iterator().next(), null));
  }

  static Future<Account> byEmail(SqlClient sql, String email) {
    return sql.preparedQuery(BY_EMAIL).execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? null : toAccount(rows.iterator().next(), rows.iterator().next().getString("password_hash")));
  }

  static Future<Void> acceptTerms(SqlClient sql, UUID userId, String termsVersion) {
    return sql.preparedQuery(ACCEPT_TERMS).execute(Tuple.of(userId, termsVersion)).mapEmpty();
  }

  static Future<Void> withholdSignupBonus(SqlClient sql) {
    return sql.query(WITHHOLD_SIGNUP_BONUS).execute().mapEmpty();
  }

  /** A user of an external issuer gets a row (and, through the trigger, a profile) on first sight. */
  static Future<Void> ensureExternal(SqlClient sql, UUID id, String email) {
    return sql.preparedQuery(ENSURE_EXTERNAL).execute(Tuple.of(id, email)).mapEmpty();
  }

  private static Account toAccount(Row row, String hash) {
    return new Account(row.getUUID("id"), row.getString("email"), hash);
  }
}
