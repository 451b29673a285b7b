package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The subscription's tier reaching the voice routing across roles: the edge settles it at session
 * start, the realtime gateway's own read ({@link PgSessionRecords#tier}) and {@link
 * ProviderSelector} (both providers configured) pick the order for that session.
 */
class TierRoutingTest extends SystemTest {
  private final ProviderSelector bothProviders = new ProviderSelector(true, true);

  @Test
  @DisplayName(
      "an active subscriber's next session is routed OpenAI first; once a past_due grace has run out, the next one Gemini first")
  void routingFollowsTheSubscriptionAtTheNextStart() throws Exception {
    JsonObject signedUp = api.signup("tier");
    String bearer = signedUp.getString("accessToken");
    UUID userId = UUID.fromString(signedUp.getJsonObject("user").getString("id"));
    assertThat(routing(userId)).containsExactly("gemini", "openai");

    sql(
        "INSERT INTO subscriptions (user_id, stripe_subscription_id, plan, status) VALUES ($1, 'sub_routing', 'unlimited_monthly', 'active')",
        userId);
    assertThat(api.startSession(bearer).getBoolean("creditCharged")).isFalse();
    assertThat(routing(userId)).containsExactly("openai", "gemini");

    sql(
        "UPDATE subscriptions SET status = 'past_due', past_due_since = now() - interval '8 days' WHERE user_id = $1",
        userId);
    assertThat(routing(userId)).as("nothing settled it yet").containsExactly("openai", "gemini");
    assertThat(api.startSession(bearer).getBoolean("creditCharged")).isTrue();
    assertThat(routing(userId)).containsExactly("gemini", "openai");
  }

  private List<String> routing(UUID userId) {
    return bothProviders.chain(await(new PgSessionRecords(db).tier(userId)));
  }

  private void sql(String statement, UUID userId) {
    await(db.asService(conn -> conn.preparedQuery(statement).execute(Tuple.of(userId))));
  }
}
