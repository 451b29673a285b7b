package com.interviewroom.edge.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of the profile and the data rights. Every statement runs as {@code app_user}, so
 * row-level security limits it to the caller's rows even where no WHERE clause says so.
 */
final class AccountDataRepository {
  /**
   * jsonb built in SQL: timestamps, arrays and jsonb columns come out as JSON without mapping code.
   */
  private static final String PROFILE =
      """
      SELECT jsonb_build_object(
          'id', u.id, 'email', u.email, 'displayName', p.display_name, 'credits', p.credits,
          'subscriptionTier', p.subscription_tier, 'experienceLevel', p.experience_level,
          'targetCompanies', to_jsonb(p.target_companies), 'onboardingCompleted', p.onboarding_completed,
          'termsAcceptedAt', p.terms_accepted_at, 'termsVersion', p.terms_version, 'recordAudio', p.record_audio,
          'createdAt', u.created_at, 'updatedAt', p.updated_at)::text AS profile
        FROM users u JOIN profiles p ON p.user_id = u.id
       WHERE u.id = $1""";

  /** Everything RLS lets the caller see, one query, one consistent snapshot. */
  private static final String EXPORT =
      """
      SELECT jsonb_build_object(
          'user', (SELECT to_jsonb(u) FROM (SELECT id, email, created_at FROM users) u),
          'profile', (SELECT to_jsonb(p) FROM profiles p),
          'sessions', (SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.created_at), '[]') FROM sessions s),
          'transcripts', (SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.turn_started_at), '[]') FROM transcripts t),
          'codeSnapshots', (SELECT coalesce(jsonb_agg(to_jsonb(c) ORDER BY c.created_at), '[]') FROM code_snapshots c),
          'evaluations', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.created_at), '[]') FROM evaluations e),
          'creditTransactions', (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.created_at), '[]') FROM credit_transactions l),
          'payments', (SELECT coalesce(jsonb_agg(to_jsonb(p) ORDER BY p.created_at), '[]') FROM payments p),
          'subscriptions', (SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.created_at), '[]') FROM subscriptions s),
          'events', (SELECT coalesce(jsonb_agg(to_jsonb(v) ORDER BY v.id), '[]') FROM events v),
          'identities', (SELECT coalesce(jsonb_agg(to_jsonb(i) ORDER BY i.created_at), '[]') FROM user_identities i),
          'trackedSkillHashes', (SELECT coalesce(jsonb_agg(DISTINCT v.tracked_skill_id_hash), '[]') FROM events v
                                  WHERE v.tracked_skill_id_hash IS NOT NULL)
      )::text AS export""";

  private static final String SESSION_IDS = "SELECT id FROM sessions WHERE user_id = $1";
  private static final String LIVE_SESSION_IDS =
      "SELECT id FROM sessions WHERE user_id = $1 AND status IN ('scheduled', 'active')";

  /**
   * Soft delete (V8): the row stays, stamped, until the retention job purges it after the restore
   * window; the first stamp counts, so a repeat does not extend the window.
   */
  private static final String SOFT_DELETE =
      "UPDATE users SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL";

  /** Every refresh token of the account, so no browser can get a new access token from one. */
  private static final String REVOKE_REFRESH_TOKENS =
      """
      UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL""";

  /**
   * Users cannot update their own users row (no grant): the deletion runs as the service role. Its
   * audit row carries no user id, so nothing in it links back to the person after the purge.
   */
  private static final String AS_SERVICE = "SELECT set_config('role', 'app_service', true)";

  private AccountDataRepository() {}

  static Future<JsonObject> profile(SqlClient sql, UUID userId) {
    return sql.preparedQuery(PROFILE)
        .execute(Tuple.of(userId))
        .map(
            rows ->
                rows.size() == 0
                    ? null
                    : new JsonObject(rows.iterator().next().getString("profile")));
  }

  /** Updates only the columns in {@code changes}; the grant on profiles covers exactly these. */
  static Future<Void> update(SqlClient sql, UUID userId, ProfileChanges changes) {
    List<String> sets = new ArrayList<>();
    Tuple params = Tuple.of(userId);
    changes
        .columns()
        .forEach(
            (column, value) -> {
              params.addValue(value);
              sets.add(column + " = $" + params.size());
            });
    sets.add("updated_at = now()");
    String statement = "UPDATE profiles SET " + String.join(", ", sets) + " WHERE user_id = $1";
    return sql.preparedQuery(statement).execute(params).mapEmpty();
  }

  static Future<JsonObject> export(SqlClient sql) {
    return sql.query(EXPORT)
        .execute()
        .map(rows -> new JsonObject(rows.iterator().next().getString("export")));
  }

  static Future<List<UUID>> sessionIds(SqlClient sql, UUID userId) {
    return sql.preparedQuery(SESSION_IDS)
        .execute(Tuple.of(userId))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  static Future<List<UUID>> liveSessionIds(SqlClient sql, UUID userId) {
    return sql.preparedQuery(LIVE_SESSION_IDS)
        .execute(Tuple.of(userId))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  static Future<Integer> softDelete(SqlClient sql, UUID userId) {
    return sql.preparedQuery(SOFT_DELETE).execute(Tuple.of(userId)).map(rows -> rows.rowCount());
  }

  static Future<Void> revokeRefreshTokens(SqlClient sql, UUID userId) {
    return sql.preparedQuery(REVOKE_REFRESH_TOKENS).execute(Tuple.of(userId)).mapEmpty();
  }

  static Future<Void> becomeService(SqlClient sql) {
    return sql.query(AS_SERVICE).execute().mapEmpty();
  }
}
