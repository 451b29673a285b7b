package com.interviewroom.common.internal;

import com.interviewroom.common.crypto.Hmac;
import java.util.Locale;

/**
 * The one definition of an internal call's signature, used by {@link InternalClient} to sign and by
 * the edge's internal listener to verify: HMAC-SHA256 with {@code INTERNAL_WEBHOOK_SECRET} over
 *
 * <pre>
 * v2\n&lt;timestamp&gt;\n&lt;METHOD&gt;\n&lt;path and query as sent&gt;\n&lt;Idempotency-Key&gt;\n&lt;raw body bytes&gt;
 * </pre>
 *
 * so a signed request cannot be replayed against another endpoint, with another method, or under a
 * fresh idempotency key (which would run its work again). Header values and request targets cannot
 * contain a line feed, so the fields cannot be shifted into one another.
 */
public final class InternalSignature {
  static final String VERSION = "v2";

  private InternalSignature() {}

  /** Lower-case hex. */
  public static String sign(
      String secret,
      String timestamp,
      String method,
      String target,
      String idempotencyKey,
      byte[] body) {
    String prefix =
        VERSION
            + "\n"
            + timestamp
            + "\n"
            + method.toUpperCase(Locale.ROOT)
            + "\n"
            + target
            + "\n"
            + idempotencyKey
            + "\n";
    return Hmac.sha256Hex(secret, prefix, body);
  }

  /** Constant-time check of a received signature (hex, any case). */
  public static boolean verify(
      String secret,
      String timestamp,
      String method,
      String target,
      String idempotencyKey,
      byte[] body,
      String signature) {
    if (signature == null) {
      return false;
    }
    return Hmac.matches(
        sign(secret, timestamp, method, target, idempotencyKey, body),
        signature.toLowerCase(Locale.ROOT));
  }
}
