package com.interviewroom.realtime.voice;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The user's subscription tier as the profile holds it, which picks a session's voice provider
 * chain.
 */
final class SubscriptionTierRepository {
  private static final String TIER = "SELECT subscription_tier FROM profiles WHERE user_id = $1";

  private final Database db;

  SubscriptionTierRepository(Database db) {
    this.db = db;
  }

  /** {@code free} for a user without a profile. */
  Future<String> tier(UUID userId) {
    return db.asService(conn -> conn.preparedQuery(TIER).execute(Tuple.of(userId)))
        .map(rows -> rows.size() == 0 ? "free" : rows.iterator().next().getString(0));
  }
}
