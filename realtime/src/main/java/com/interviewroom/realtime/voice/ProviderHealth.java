package com.interviewroom.realtime.voice;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Providers that refused us permanently (unknown or retired model, bad key, no quota): later
 * sessions skip them without a connect attempt, until {@link #QUARANTINE} has passed (a key or a
 * quota can be fixed without a restart). One per gateway verticle instance, used on its event loop.
 */
public final class ProviderHealth {
  public static final Duration QUARANTINE = Duration.ofMinutes(5);

  private final Clock clock;
  private final Map<String, Refusal> unusable = new HashMap<>();

  public record Refusal(String code, long untilMs) {}

  public ProviderHealth(Clock clock) {
    this.clock = clock;
  }

  public void markUnusable(String provider, String code) {
    unusable.put(provider, new Refusal(code, clock.millis() + QUARANTINE.toMillis()));
  }

  public boolean usable(String provider) {
    Refusal r = unusable.get(provider);
    if (r == null) {
      return true;
    }
    if (clock.millis() >= r.untilMs()) {
      unusable.remove(provider);
      return true;
    }
    return false;
  }

  /** Why a provider is skipped, or null. */
  public String refusal(String provider) {
    return usable(provider) ? null : unusable.get(provider).code();
  }
}
