package com.interviewroom.testkit;

import java.util.Map;

/**
 * Settings that lift the sign-in limits for tests. Every test process signs up many users from
 * 127.0.0.1 against a shared Redis, where the per-IP counters (sign-ups per hour, free-credit
 * sign-ups per day) would run out across test classes and runs. A test that starts a server puts
 * these into its environment map ({@code env.putAll(TestAuthLimits.RAISED)}); tests of the limits
 * themselves set their own low values instead.
 */
public final class TestAuthLimits {
  public static final Map<String, String> RAISED =
      Map.of(
          "AUTH_LOGIN_PER_IP_PER_MINUTE", "1000000",
          "AUTH_LOGIN_PER_EMAIL_PER_15_MINUTES", "1000000",
          "AUTH_SIGNUP_PER_IP_PER_HOUR", "1000000",
          "AUTH_SIGNUP_PER_EMAIL_PER_HOUR", "1000000",
          "AUTH_FREE_CREDIT_SIGNUPS_PER_IP_PER_DAY", "1000000");

  private TestAuthLimits() {}
}
