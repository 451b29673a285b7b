package com.interviewroom.edge.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A subscription as Stripe last told us, in the strings of the {@code subscriptions.status} column
 * (Stripe's own status names). What a status gives (tier, sessions without credits, the past_due
 * grace) is decided in one place, {@link SubscriptionAccess}.
 */
public record SubscriptionState(
    String subscriptionId,
    String customerId,
    String status,
    Instant currentPeriodEnd,
    boolean cancelAtPeriodEnd) {

  /** States Stripe never leaves: an event about such a subscription must not replace a live one. */
  public static final Set<String> TERMINAL = Set.of("canceled", "incomplete_expired");

  /**
   * Every status in the order a subscription moves through them. Two events created in the same
   * second cannot be ordered by time, so the one later in this list wins whatever the arrival
   * order.
   */
  public static final List<String> LIFECYCLE =
      List.of(
          "incomplete",
          "trialing",
          "active",
          "past_due",
          "unpaid",
          "paused",
          "canceled",
          "incomplete_expired");

  public static final Set<String> STATUSES = Set.copyOf(LIFECYCLE);

  /** States in which the user already has (or is fixing the payment of) a subscription. */
  public static final Set<String> HELD = Set.of("active", "trialing", "past_due", "unpaid");
}
