package com.interviewroom.session.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * A new {@code scheduled} session and the credit it costs; the caller owns the transaction (service
 * role).
 */
public final class SessionStartStore {
  /** What the ledger's CHECK (credits >= 0) fails with when a start would overspend. */
  public static final String CHECK_VIOLATION = "23514";

  private static final String INSERT =
      """
      INSERT INTO sessions (user_id, problem_id, language, status, credit_charged, group_id, tracked_skill_id_hash)
      VALUES ($1, $2, $3, 'scheduled', $4, $5, $6) RETURNING id""";
  // The ledger trigger takes the profile's row lock and its CHECK (credits >= 0) fails with 23514
  // on an overspend, so concurrent starts of one user serialize here and only the funded ones
  // commit.
  private static final String CHARGE =
      """
      INSERT INTO credit_transactions (user_id, delta, reason, session_id, idempotency_key)
      VALUES ($1, -1, 'session_start', $2::uuid, 'session_start:' || $2::uuid::text)""";

  private SessionStartStore() {}

  /**
   * The session files under the request's group and the skill the start request tracked (its hash).
   */
  public static Future<UUID> insert(
      SqlClient sql,
      UUID userId,
      UUID problemId,
      String language,
      boolean charged,
      String groupId,
      String trackedSkillIdHash) {
    return sql.preparedQuery(INSERT)
        .execute(Tuple.of(userId, problemId, language, charged, groupId, trackedSkillIdHash))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  /**
   * Spends one credit on the session; fails with {@link #CHECK_VIOLATION} when the user has none.
   */
  public static Future<Void> charge(SqlClient sql, UUID userId, UUID sessionId) {
    return sql.preparedQuery(CHARGE).execute(Tuple.of(userId, sessionId)).mapEmpty();
  }
}
