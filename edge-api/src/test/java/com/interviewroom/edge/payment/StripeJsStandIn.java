package com.interviewroom.edge.payment;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Serves the test-only Stripe.js stand-in (test resources {@code stripe-js-standin/}) from the fake
 * Stripe's origin: {@code /v3/} is the script a page loads instead of {@code
 * https://js.stripe.com/v3/}, {@code /v3/payment-element.html} the Payment Element's frame. Test
 * classpath only: the application jar never contains it (PackagedJarIT checks the shaded jar).
 */
final class StripeJsStandIn {
  static final String PREFIX = "/v3/";
  private static final String RESOURCES = "stripe-js-standin/";
  private static final Map<String, String> FILES =
      Map.of(
          PREFIX,
          "stripe.js",
          PREFIX + "payment-element.html",
          "payment-element.html",
          PREFIX + "payment-element.js",
          "payment-element.js");

  private StripeJsStandIn() {}

  /** True when {@code request} asked for a stand-in file (and was answered). */
  static boolean serve(HttpServerRequest request) {
    String file = FILES.get(request.path());
    if (file == null) {
      return false;
    }
    var response =
        request
            .response()
            .putHeader(
                "Content-Type",
                file.endsWith(".html")
                    ? "text/html; charset=utf-8"
                    : "text/javascript; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .putHeader("X-Content-Type-Options", "nosniff");
    if (file.endsWith(".html")) {
      // the frame holds card data: only its own script, its own API calls
      response.putHeader(
          "Content-Security-Policy",
          "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'");
    }
    response.end(read(file));
    return true;
  }

  private static Buffer read(String file) {
    try (InputStream in =
        StripeJsStandIn.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCES + file);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
