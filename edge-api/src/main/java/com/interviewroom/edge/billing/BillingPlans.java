package com.interviewroom.edge.billing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The one list of what we sell. Prices and credit counts come from here and nowhere else: the
 * client names a package id, never an amount.
 */
public final class BillingPlans {
  public enum Kind {
    CREDIT_PACK,
    SUBSCRIPTION
  }

  /**
   * {@code amountCents} in {@code currency}; {@code interval} is null for one-off packs; {@code
   * tier} is the {@code profiles.subscription_tier} a live subscription to the plan gives (null for
   * packs).
   */
  public record Plan(
      String id,
      String name,
      Kind kind,
      int credits,
      long amountCents,
      String currency,
      String interval,
      String tier) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("name", name)
          .put("kind", kind == Kind.CREDIT_PACK ? "credit_pack" : "subscription")
          .put("credits", kind == Kind.CREDIT_PACK ? credits : null)
          .put("unlimited", kind == Kind.SUBSCRIPTION)
          .put("amount", amountCents)
          .put("currency", currency)
          .put("interval", interval)
          .put("tier", tier);
    }
  }

  public static final Plan STARTER =
      new Plan("starter", "Starter", Kind.CREDIT_PACK, 5, 999, "usd", null, null);
  public static final Plan PRO =
      new Plan("pro", "Pro", Kind.CREDIT_PACK, 15, 2499, "usd", null, null);
  public static final Plan UNLIMITED_MONTHLY =
      new Plan(
          "unlimited_monthly",
          "Unlimited Monthly",
          Kind.SUBSCRIPTION,
          0,
          4999,
          "usd",
          "month",
          "pro");

  public static final List<Plan> ALL = List.of(STARTER, PRO, UNLIMITED_MONTHLY);

  private BillingPlans() {}

  /** Every subscription plan: its id maps to the tier it gives. */
  public static List<Plan> subscriptions() {
    return ALL.stream().filter(p -> p.kind() == Kind.SUBSCRIPTION).toList();
  }

  public static List<String> creditPackIds() {
    return ALL.stream().filter(p -> p.kind() == Kind.CREDIT_PACK).map(Plan::id).toList();
  }

  /** A credit pack by id; subscriptions are not bought through a PaymentIntent. */
  public static Optional<Plan> creditPack(String id) {
    return ALL.stream().filter(p -> p.kind() == Kind.CREDIT_PACK && p.id().equals(id)).findFirst();
  }

  public static JsonObject toJson() {
    JsonArray plans = new JsonArray();
    ALL.forEach(p -> plans.add(p.toJson()));
    return new JsonObject().put("plans", plans);
  }
}
