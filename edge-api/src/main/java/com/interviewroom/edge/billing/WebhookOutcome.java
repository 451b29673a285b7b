package com.interviewroom.edge.billing;

/** What a verified delivery did; every one of them is answered 200 so Stripe stops retrying. */
public enum WebhookOutcome {
  PROCESSED,
  DUPLICATE,
  IGNORED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
