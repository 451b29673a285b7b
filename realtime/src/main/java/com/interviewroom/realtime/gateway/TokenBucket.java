package com.interviewroom.realtime.gateway;

/**
 * A token bucket on a monotonic clock; one per connection and kind, used on its event loop only.
 */
final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(GatewaySettings.RateLimit limit, long nowNanos) {
    this.perNano = limit.perSecond() / 1_000_000_000d;
    this.burst = limit.burst();
    this.tokens = burst;
    this.last = nowNanos;
  }

  boolean take(long nowNanos) {
    return take(nowNanos, 1);
  }

  /** Takes {@code amount} tokens at once, or none. */
  boolean take(long nowNanos, int amount) {
    tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
    last = nowNanos;
    if (tokens >= amount) {
      tokens -= amount;
      return true;
    }
    return false;
  }
}
