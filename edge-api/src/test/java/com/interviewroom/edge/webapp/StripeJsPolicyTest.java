package com.interviewroom.edge.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The CSP sources for Stripe.js: Stripe's documented ones in production, a stand-in's origin in
 * tests, none without a key.
 */
class StripeJsPolicyTest {
  private static final Map<String, String> STRIPE =
      Map.of(
          "STRIPE_SECRET_KEY",
          "sk_test_abc",
          "STRIPE_WEBHOOK_SECRET",
          "whsec_x",
          "STRIPE_PUBLISHABLE_KEY",
          "pk_test_abc");

  private static String csp(Map<String, String> env) {
    return new WebAppRoutes(
            WebAppAssets.shared(),
            "http://localhost:8080",
            StripeJsPolicy.of(Config.from(env)),
            null)
        .contentSecurityPolicy();
  }

  @Test
  @DisplayName(
      "with Stripe's own Stripe.js: script-src and frame-src js.stripe.com (and hooks.stripe.com for 3-D Secure), connect-src api.stripe.com, nothing else")
  void production() {
    String csp = csp(STRIPE);
    assertThat(csp)
        .containsPattern(
            "script-src 'self' 'sha256-[A-Za-z0-9+/=]+' https://js\\.stripe\\.com https://\\*\\.js\\.stripe\\.com;")
        .contains(
            "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;",
            "connect-src 'self' https://api.stripe.com;",
            "style-src 'self';",
            "img-src 'self' data:;")
        .doesNotContain("maps.googleapis.com", "https:;", "unsafe");
  }

  @Test
  @DisplayName(
      "with a stand-in at STRIPE_JS_URL: that origin only, for scripts, frames and requests")
  void standIn() {
    Map<String, String> env = new java.util.HashMap<>(STRIPE);
    env.put("STRIPE_JS_URL", "http://127.0.0.1:4242/v3/");
    assertThat(csp(env))
        .containsPattern("script-src 'self' 'sha256-[A-Za-z0-9+/=]+' http://127\\.0\\.0\\.1:4242;")
        .contains("frame-src http://127.0.0.1:4242;", "connect-src 'self' http://127.0.0.1:4242;")
        .doesNotContain("stripe.com");
  }

  @Test
  @DisplayName(
      "without a publishable key no page loads Stripe.js, and the policy names no Stripe origin and no frame-src")
  void noKey() {
    String csp =
        csp(Map.of("STRIPE_SECRET_KEY", "sk_test_abc", "STRIPE_WEBHOOK_SECRET", "whsec_x"));
    assertThat(csp)
        .doesNotContain("stripe", "frame-src")
        .containsPattern("script-src 'self' 'sha256-[A-Za-z0-9+/=]+';")
        .contains("connect-src 'self';");
  }
}
