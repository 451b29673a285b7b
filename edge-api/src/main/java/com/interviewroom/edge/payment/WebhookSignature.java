package com.interviewroom.edge.payment;

import com.interviewroom.common.crypto.Hmac;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe's webhook signature scheme: {@code Stripe-Signature: t=<unix
 * seconds>,v1=<hex>[,v1=<hex>...]} where each v1 is HMAC-SHA256 with the endpoint secret over
 * {@code t + "." + raw body bytes}. Any v1 may match (Stripe signs with the old and the new secret
 * while one is being rolled). Checked on the bytes as received, before anything parses them.
 */
public final class WebhookSignature {
  public static final long TOLERANCE_SECONDS = 300;

  private WebhookSignature() {}

  /** Why a delivery was refused; only these fixed words reach the response and the logs. */
  public enum Verdict {
    VALID,
    MISSING_HEADER,
    MALFORMED_HEADER,
    STALE_TIMESTAMP,
    NO_MATCHING_SIGNATURE
  }

  public static Verdict verify(String header, byte[] rawBody, String secret, Clock clock) {
    if (header == null || header.isBlank()) {
      return Verdict.MISSING_HEADER;
    }
    Long timestamp = null;
    List<String> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("t")) {
        try {
          timestamp = Long.parseLong(value);
        } catch (NumberFormatException e) {
          return Verdict.MALFORMED_HEADER;
        }
      } else if (key.equals("v1") && !value.isEmpty()) {
        signatures.add(value);
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      return Verdict.MALFORMED_HEADER;
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - timestamp) > TOLERANCE_SECONDS) {
      return Verdict.STALE_TIMESTAMP;
    }
    String expected = Hmac.sha256Hex(secret, timestamp + ".", rawBody);
    // check every candidate (no early exit) so timing does not reveal which one matched
    boolean matched = false;
    for (String candidate : signatures) {
      matched |= Hmac.matches(expected, candidate);
    }
    return matched ? Verdict.VALID : Verdict.NO_MATCHING_SIGNATURE;
  }
}
