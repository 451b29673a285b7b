package com.interviewroom.edge.payment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The setup the payment and subscription tests share: one {@link StripeFixture} (the edge wired to
 * a fake Stripe) per test class, closed after its last test. Test classes run one at a time in a
 * fork, so the one static {@link #fx} is the running class's.
 */
public abstract class StripeTest {
  protected static StripeFixture fx;

  @BeforeAll
  static void startStripeFixture() {
    fx = StripeFixture.start();
  }

  @AfterAll
  static void closeStripeFixture() {
    fx.close();
  }
}
