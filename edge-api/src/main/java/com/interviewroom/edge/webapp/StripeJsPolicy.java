package com.interviewroom.edge.webapp;

import com.interviewroom.common.config.Config;
import java.net.URI;
import java.util.List;

/**
 * The Content-Security-Policy sources Stripe.js needs on the page that loads it, and no more. For
 * Stripe's own script, the Stripe.js rows of docs.stripe.com/security/guide#content-security-policy
 * (without {@code maps.googleapis.com}, which only the Address Element's autocomplete uses, and we
 * mount no Address Element): scripts from {@code js.stripe.com}, its frames (the Payment Element's
 * iframes, and {@code hooks.stripe.com} for 3-D Secure), requests to {@code api.stripe.com}. For a
 * stand-in at another {@code STRIPE_JS_URL} (tests, development), that URL's origin for all three.
 * Empty when the server has no publishable key: then no page loads Stripe.js at all.
 */
public record StripeJsPolicy(
    List<String> scriptSrc, List<String> frameSrc, List<String> connectSrc) {
  public static final StripeJsPolicy NONE = new StripeJsPolicy(List.of(), List.of(), List.of());
  static final List<String> STRIPE_SCRIPTS =
      List.of("https://js.stripe.com", "https://*.js.stripe.com");
  static final List<String> STRIPE_FRAMES =
      List.of("https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com");
  static final List<String> STRIPE_API = List.of("https://api.stripe.com");

  public static StripeJsPolicy of(Config config) {
    if (config.stripe().publishableKey() == null) {
      return NONE;
    }
    if (config.stripeJs().official()) {
      return new StripeJsPolicy(STRIPE_SCRIPTS, STRIPE_FRAMES, STRIPE_API);
    }
    URI url = URI.create(config.stripeJs().url());
    String origin = url.getScheme() + "://" + url.getRawAuthority();
    return new StripeJsPolicy(List.of(origin), List.of(origin), List.of(origin));
  }

  static String sources(String self, List<String> extra) {
    return extra.isEmpty() ? self : self + " " + String.join(" ", extra);
  }
}
