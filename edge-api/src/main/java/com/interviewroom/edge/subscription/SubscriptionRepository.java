package com.interviewroom.edge.subscription;

import com.interviewroom.edge.billing.BillingPlans;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL for {@code subscriptions}, the Stripe customer id and the {@code subscription_tier} on {@code
 * profiles}. One row per user.
 */
final class SubscriptionRepository {

  /**
   * The one rule for what a subscription row gives (alias {@code s}, grace in days as {@code $2}):
   * {@code active}/{@code trialing}, or {@code past_due} for less than the grace since it went past
   * due.
   */
  private static final String ENTITLED =
      """
      (s.status IN ('active', 'trialing')
       OR (s.status = 'past_due' AND COALESCE(s.past_due_since, s.updated_at) + make_interval(days => $2) > now()))""";

  /** The profile tier of the row's plan while entitled, else {@code free}. */
  private static final String TIER =
      "CASE WHEN " + ENTITLED + " THEN " + planTier() + " ELSE 'free' END";

  private static final String FIND =
      """
      SELECT stripe_subscription_id, stripe_customer_id, plan, status, current_period_end, cancel_at_period_end,
             %s AS entitled, %s AS tier,
             CASE WHEN s.status = 'past_due'
                  THEN COALESCE(s.past_due_since, s.updated_at) + make_interval(days => $2) END AS grace_ends_at
        FROM subscriptions s WHERE user_id = $1"""
          .formatted(ENTITLED, TIER);

  /**
   * Writes the tier the user's subscription row gives onto the profile and answers whether it
   * entitles the user to sessions without credits. The row is what webhooks order (stale events
   * never change it), so the tier follows the same order. No row: the profile's tier is left as it
   * is (an operator's grant) and nothing is entitled.
   */
  private static final String SETTLE =
      """
      WITH sub AS (
          SELECT s.user_id, %s AS entitled, %s AS tier FROM subscriptions s WHERE s.user_id = $1),
      settled AS (
          UPDATE profiles p SET subscription_tier = sub.tier, updated_at = now()
            FROM sub WHERE p.user_id = sub.user_id AND p.subscription_tier IS DISTINCT FROM sub.tier)
      SELECT COALESCE((SELECT entitled FROM sub), false) AS entitled"""
          .formatted(ENTITLED, TIER);

  private static String planTier() {
    StringBuilder sql = new StringBuilder("CASE s.plan");
    for (BillingPlans.Plan plan : BillingPlans.subscriptions()) {
      sql.append(" WHEN '").append(plan.id()).append("' THEN '").append(plan.tier()).append("'");
    }
    return sql.append(" ELSE 'free' END").toString();
  }

  private static final String CUSTOMER =
      "SELECT stripe_customer_id FROM profiles WHERE user_id = $1";

  /** First writer wins, so two racing requests end with one customer id on the profile. */
  private static final String SET_CUSTOMER =
      """
      UPDATE profiles SET stripe_customer_id = $2, updated_at = now()
       WHERE user_id = $1 AND stripe_customer_id IS NULL""";

  /**
   * The state in an API response. It is written only while no webhook has spoken for this
   * subscription yet (or the row belongs to an older subscription): webhooks are the newer truth.
   */
  private static final String UPSERT_FROM_API =
      """
      INSERT INTO subscriptions (user_id, stripe_subscription_id, stripe_customer_id, plan, status,
                                 current_period_end, cancel_at_period_end)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (user_id) DO UPDATE SET
          stripe_subscription_id = EXCLUDED.stripe_subscription_id,
          stripe_customer_id = EXCLUDED.stripe_customer_id,
          plan = EXCLUDED.plan,
          status = EXCLUDED.status,
          current_period_end = EXCLUDED.current_period_end,
          cancel_at_period_end = EXCLUDED.cancel_at_period_end,
          last_event_created = NULL,
          past_due_since = NULL,
          updated_at = now()
      WHERE subscriptions.last_event_created IS NULL
         OR subscriptions.stripe_subscription_id IS DISTINCT FROM EXCLUDED.stripe_subscription_id""";

  /**
   * The position of a status in {@link SubscriptionState#LIFECYCLE}: the tie-break of same-second
   * events.
   */
  private static String stage(String status) {
    return "array_position('{"
        + String.join(",", SubscriptionState.LIFECYCLE)
        + "}'::text[], "
        + status
        + ")";
  }

  /**
   * A full subscription snapshot from a webhook. Applied only when it is newer than the state held
   * ({@code last_event_created}, whole seconds) or, in the same second, not earlier in the life
   * cycle; a canceled or expired subscription never comes back under the same id; and an event
   * about another subscription (a late one about the user's previous, say) never replaces a live
   * one: the row moves to a new subscription only once the one it holds has ended (our own create
   * writes the new one through {@link #UPSERT_FROM_API}). Returns a row when applied.
   */
  private static final String APPLY_EVENT =
      """
      INSERT INTO subscriptions (user_id, stripe_subscription_id, stripe_customer_id, plan, status,
                                 current_period_end, cancel_at_period_end, last_event_created, past_due_since)
      VALUES ($1, $2, $3, $4, $5::text, $6, $7, $8::timestamptz, CASE WHEN $5::text = 'past_due' THEN $8::timestamptz END)
      ON CONFLICT (user_id) DO UPDATE SET
          past_due_since = CASE
              WHEN EXCLUDED.status <> 'past_due' THEN NULL
              WHEN subscriptions.status = 'past_due'
                   AND subscriptions.stripe_subscription_id IS NOT DISTINCT FROM EXCLUDED.stripe_subscription_id
                THEN COALESCE(subscriptions.past_due_since, EXCLUDED.last_event_created)
              ELSE EXCLUDED.last_event_created END,
          stripe_subscription_id = EXCLUDED.stripe_subscription_id,
          stripe_customer_id = EXCLUDED.stripe_customer_id,
          plan = EXCLUDED.plan,
          status = EXCLUDED.status,
          current_period_end = COALESCE(EXCLUDED.current_period_end, subscriptions.current_period_end),
          cancel_at_period_end = EXCLUDED.cancel_at_period_end,
          last_event_created = EXCLUDED.last_event_created,
          updated_at = now()
      WHERE (subscriptions.last_event_created IS NULL
             OR subscriptions.last_event_created < EXCLUDED.last_event_created
             OR (subscriptions.last_event_created = EXCLUDED.last_event_created
                 AND %s >= %s))
        AND NOT (subscriptions.stripe_subscription_id IS NOT DISTINCT FROM EXCLUDED.stripe_subscription_id
                 AND subscriptions.status IN ('canceled', 'incomplete_expired')
                 AND EXCLUDED.status NOT IN ('canceled', 'incomplete_expired'))
        AND (subscriptions.stripe_subscription_id IS NOT DISTINCT FROM EXCLUDED.stripe_subscription_id
             OR subscriptions.status IN ('canceled', 'incomplete_expired'))
      RETURNING status"""
          .formatted(stage("EXCLUDED.status"), stage("subscriptions.status"));

  /**
   * An invoice event moves the status only from the listed states (never out of canceled), and only
   * when not stale, with the same same-second tie-break as {@link #APPLY_EVENT}.
   */
  private static final String APPLY_INVOICE =
      """
      UPDATE subscriptions
         SET status = $2, last_event_created = $3,
             past_due_since = CASE WHEN $2::text <> 'past_due' THEN NULL
                                   WHEN status = 'past_due' THEN COALESCE(past_due_since, $3::timestamptz) ELSE $3::timestamptz END,
             current_period_end = COALESCE($5, current_period_end), updated_at = now()
       WHERE stripe_subscription_id = $1
         AND (last_event_created IS NULL OR last_event_created < $3
              OR (last_event_created = $3 AND %s >= %s))
         AND status = ANY($4::text[])
      RETURNING user_id"""
          .formatted(stage("$2::text"), stage("status"));

  private static final String MARK_CANCEL_AT_PERIOD_END =
      """
      UPDATE subscriptions SET cancel_at_period_end = $2, updated_at = now() WHERE stripe_subscription_id = $1""";

  /** Who an event is about: our metadata first, then the customer, then the subscription id. */
  private static final String RESOLVE_USER =
      """
      SELECT user_id FROM profiles WHERE user_id = $1
      UNION ALL SELECT user_id FROM profiles WHERE stripe_customer_id = $2
      UNION ALL SELECT user_id FROM subscriptions WHERE stripe_subscription_id = $3
      LIMIT 1""";

  /**
   * {@code tier} and {@code entitled} as the rule gives them now; {@code graceEndsAt} only while
   * past_due.
   */
  record Stored(
      String subscriptionId,
      String customerId,
      String plan,
      String status,
      Instant currentPeriodEnd,
      boolean cancelAtPeriodEnd,
      boolean entitled,
      String tier,
      Instant graceEndsAt) {}

  private SubscriptionRepository() {}

  static Future<Optional<Stored>> find(SqlClient sql, UUID userId, int graceDays) {
    return sql.preparedQuery(FIND)
        .execute(Tuple.of(userId, graceDays))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              OffsetDateTime end = row.getOffsetDateTime("current_period_end");
              return Optional.of(
                  new Stored(
                      row.getString("stripe_subscription_id"),
                      row.getString("stripe_customer_id"),
                      row.getString("plan"),
                      row.getString("status"),
                      end == null ? null : end.toInstant(),
                      row.getBoolean("cancel_at_period_end"),
                      row.getBoolean("entitled"),
                      row.getString("tier"),
                      instant(row.getOffsetDateTime("grace_ends_at"))));
            });
  }

  static Future<Boolean> settle(SqlClient sql, UUID userId, int graceDays) {
    return sql.preparedQuery(SETTLE)
        .execute(Tuple.of(userId, graceDays))
        .map(rows -> rows.iterator().next().getBoolean("entitled"));
  }

  private static Instant instant(OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }

  static Future<String> customerId(SqlClient sql, UUID userId) {
    return sql.preparedQuery(CUSTOMER)
        .execute(Tuple.of(userId))
        .map(
            rows ->
                rows.size() == 0 ? null : rows.iterator().next().getString("stripe_customer_id"));
  }

  static Future<Void> setCustomerIfMissing(SqlClient sql, UUID userId, String customerId) {
    return sql.preparedQuery(SET_CUSTOMER).execute(Tuple.of(userId, customerId)).mapEmpty();
  }

  static Future<Void> upsertFromApi(SqlClient sql, UUID userId, SubscriptionState state) {
    return sql.preparedQuery(UPSERT_FROM_API)
        .execute(
            Tuple.from(
                new Object[] {
                  userId,
                  state.subscriptionId(),
                  state.customerId(),
                  BillingPlans.UNLIMITED_MONTHLY.id(),
                  state.status(),
                  utc(state.currentPeriodEnd()),
                  state.cancelAtPeriodEnd()
                }))
        .mapEmpty();
  }

  static Future<Boolean> applyEvent(
      SqlClient sql, UUID userId, SubscriptionState state, long eventCreated) {
    return sql.preparedQuery(APPLY_EVENT)
        .execute(
            Tuple.from(
                new Object[] {
                  userId,
                  state.subscriptionId(),
                  state.customerId(),
                  BillingPlans.UNLIMITED_MONTHLY.id(),
                  state.status(),
                  utc(state.currentPeriodEnd()),
                  state.cancelAtPeriodEnd(),
                  utc(Instant.ofEpochSecond(eventCreated))
                }))
        .map(rows -> rows.size() == 1);
  }

  static Future<Boolean> applyInvoice(
      SqlClient sql,
      String subscriptionId,
      String status,
      long eventCreated,
      String[] fromStatuses,
      Instant periodEnd) {
    return sql.preparedQuery(APPLY_INVOICE)
        .execute(
            Tuple.from(
                new Object[] {
                  subscriptionId,
                  status,
                  utc(Instant.ofEpochSecond(eventCreated)),
                  fromStatuses,
                  utc(periodEnd)
                }))
        .map(rows -> rows.size() == 1);
  }

  static Future<Void> markCancelAtPeriodEnd(SqlClient sql, String subscriptionId, boolean cancel) {
    return sql.preparedQuery(MARK_CANCEL_AT_PERIOD_END)
        .execute(Tuple.of(subscriptionId, cancel))
        .mapEmpty();
  }

  static Future<UUID> resolveUser(
      SqlClient sql, UUID metadataUser, String customerId, String subscriptionId) {
    return sql.preparedQuery(RESOLVE_USER)
        .execute(Tuple.of(metadataUser, customerId, subscriptionId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("user_id"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
