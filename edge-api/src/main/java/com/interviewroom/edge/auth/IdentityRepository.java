package com.interviewroom.edge.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The SQL of provider identities (V9). Runs as the service role: sign-in precedes any user
 * identity.
 */
final class IdentityRepository {
  /**
   * The account an identity belongs to; {@code restorable} is false for an account deleted longer
   * ago than the restore window ($3 days), which is as good as gone.
   */
  private static final String ACCOUNT_OF =
      """
      SELECT u.id, u.email, u.deleted_at IS NOT NULL AS deleted,
             (u.deleted_at IS NULL OR u.deleted_at > now() - make_interval(days => $3)) AS restorable,
             p.onboarding_completed
        FROM user_identities i JOIN users u ON u.id = i.user_id LEFT JOIN profiles p ON p.user_id = u.id
       WHERE i.provider = $1 AND i.subject = $2""";

  /**
   * Any account holding the email, deleted or not: the email stays taken until the account is
   * purged.
   */
  private static final String HOLDER_OF_EMAIL =
      """
      SELECT id, password_hash IS NOT NULL AS has_password FROM users WHERE lower(email) = lower($1)""";

  private static final String INSERT =
      """
      INSERT INTO user_identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4)""";

  /** Linking after a password login: a repeat (two tabs, a double submit) is already done. */
  private static final String LINK =
      """
      INSERT INTO user_identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""";

  private static final String NAME_PROFILE =
      """
      UPDATE profiles SET display_name = $2, updated_at = now() WHERE user_id = $1 AND display_name IS NULL""";

  record Linked(
      UUID userId,
      String email,
      boolean deleted,
      boolean restorable,
      boolean onboardingCompleted) {}

  record EmailHolder(UUID userId, boolean hasPassword) {}

  private IdentityRepository() {}

  static Future<Linked> accountOf(SqlClient sql, String provider, String subject, int restoreDays) {
    return sql.preparedQuery(ACCOUNT_OF)
        .execute(Tuple.of(provider, subject, restoreDays))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new Linked(
                  row.getUUID("id"),
                  row.getString("email"),
                  row.getBoolean("deleted"),
                  row.getBoolean("restorable"),
                  Boolean.TRUE.equals(row.getBoolean("onboarding_completed")));
            });
  }

  static Future<EmailHolder> holderOf(SqlClient sql, String email) {
    return sql.preparedQuery(HOLDER_OF_EMAIL)
        .execute(Tuple.of(email))
        .map(
            rows ->
                rows.size() == 0
                    ? null
                    : new EmailHolder(
                        rows.iterator().next().getUUID("id"),
                        rows.iterator().next().getBoolean("has_password")));
  }

  static Future<Void> insert(SqlClient sql, UUID userId, ProviderIdentity identity) {
    return sql.preparedQuery(INSERT)
        .execute(Tuple.of(userId, identity.provider(), identity.subject(), identity.email()))
        .mapEmpty();
  }

  static Future<Boolean> link(
      SqlClient sql, UUID userId, String provider, String subject, String email) {
    return sql.preparedQuery(LINK)
        .execute(Tuple.of(userId, provider, subject, email))
        .map(rows -> rows.rowCount() == 1);
  }

  static Future<Void> nameProfile(SqlClient sql, UUID userId, String name) {
    if (name == null || name.isBlank()) {
      return Future.succeededFuture();
    }
    String trimmed = name.strip();
    return sql.preparedQuery(NAME_PROFILE)
        .execute(Tuple.of(userId, trimmed.length() > 100 ? trimmed.substring(0, 100) : trimmed))
        .mapEmpty();
  }
}
