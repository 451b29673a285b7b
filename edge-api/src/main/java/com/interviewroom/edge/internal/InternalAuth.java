package com.interviewroom.edge.internal;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.common.internal.InternalSignature;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits an internal call only with a fresh timestamp (±60 s), an {@code Idempotency-Key} and an
 * HMAC-SHA256 signature ({@link InternalSignature}) over the timestamp, method, path and query as
 * sent, that key and the raw body. Every rejection is the same bare 403, so a caller learns nothing
 * about which check failed; the log says why (never the payload).
 */
public final class InternalAuth implements Handler<RoutingContext> {
  static final long SKEW_SECONDS = 60;
  static final int MAX_KEY_LENGTH = 200;
  private static final Logger log = LoggerFactory.getLogger(InternalAuth.class);

  private final String secret;
  private final Clock clock;

  public InternalAuth(String secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String reason = rejection(ctx);
    if (reason == null) {
      ctx.next();
      return;
    }
    log.warn(
        "internal request rejected {} {} {}",
        kv(
            "ip",
            ctx.request().remoteAddress() == null
                ? ""
                : ctx.request().remoteAddress().hostAddress()),
        kv("path", ctx.normalizedPath()),
        kv("reason", reason));
    ctx.response().setStatusCode(403).end();
  }

  private String rejection(RoutingContext ctx) {
    String timestamp = ctx.request().getHeader(InternalClient.TIMESTAMP);
    String signature = ctx.request().getHeader(InternalClient.SIGNATURE);
    String key = ctx.request().getHeader(InternalClient.IDEMPOTENCY_KEY);
    if (timestamp == null || signature == null) {
      return "missing_signature_headers";
    }
    if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      return "missing_idempotency_key";
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return "malformed_timestamp";
    }
    if (Math.abs(clock.instant().getEpochSecond() - seconds) > SKEW_SECONDS) {
      return "stale_timestamp";
    }
    Buffer body =
        ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    if (!InternalSignature.verify(
        secret,
        timestamp,
        ctx.request().method().name(),
        ctx.request().uri(),
        key,
        body.getBytes(),
        signature)) {
      return "bad_signature";
    }
    return null;
  }
}
