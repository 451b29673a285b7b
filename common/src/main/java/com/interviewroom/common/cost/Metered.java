package com.interviewroom.common.cost;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one provider call used, by kind ({@link Kinds}): tokens for the voice and language models,
 * CPU-seconds for the sandbox. Zero quantities are dropped, so an empty map means "nothing to
 * price".
 */
public record Metered(String provider, String model, Map<String, BigDecimal> quantities) {
  public Metered {
    if (!Kinds.PROVIDERS.containsKey(provider)) {
      throw new IllegalArgumentException("unknown provider " + provider);
    }
    Map<String, BigDecimal> kept = new TreeMap<>();
    quantities.forEach(
        (kind, quantity) -> {
          if (!Kinds.PROVIDERS.get(provider).contains(kind)) {
            throw new IllegalArgumentException(provider + " has no usage kind " + kind);
          }
          if (quantity.signum() < 0) {
            throw new IllegalArgumentException("negative " + kind);
          }
          if (quantity.signum() > 0) {
            kept.put(kind, quantity);
          }
        });
    quantities = java.util.Collections.unmodifiableMap(kept);
  }

  /** Token counts (or other whole units) by kind. */
  public static Metered ofCounts(String provider, String model, Map<String, Long> counts) {
    Map<String, BigDecimal> quantities = new TreeMap<>();
    counts.forEach(
        (kind, count) -> quantities.put(kind, BigDecimal.valueOf(count == null ? 0 : count)));
    return new Metered(provider, model, quantities);
  }

  public boolean isEmpty() {
    return quantities.isEmpty();
  }
}
