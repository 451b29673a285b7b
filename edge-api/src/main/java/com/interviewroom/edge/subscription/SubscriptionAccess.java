package com.interviewroom.edge.subscription;

import com.interviewroom.common.config.Config;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * What a subscription gives: the plan's tier on {@code profiles.subscription_tier} (which the voice
 * provider routing reads when a session's socket opens) and sessions without credits, while the
 * subscription is {@code active}/{@code trialing} or {@code past_due} within the grace. Settled in
 * the transaction of every webhook that changed the subscription row and again at every session
 * start, so a grace that ran out between webhooks takes effect at the next session.
 */
public final class SubscriptionAccess {
  private final int pastDueGraceDays;

  public SubscriptionAccess(int pastDueGraceDays) {
    this.pastDueGraceDays = pastDueGraceDays;
  }

  public static SubscriptionAccess of(Config config) {
    return new SubscriptionAccess(config.stripe().pastDueGraceDays());
  }

  /**
   * Writes the tier the user's subscription gives onto the profile; true when it entitles to
   * sessions without credits.
   */
  public Future<Boolean> settle(SqlClient sql, UUID userId) {
    return SubscriptionRepository.settle(sql, userId, pastDueGraceDays);
  }

  int pastDueGraceDays() {
    return pastDueGraceDays;
  }
}
