package com.interviewroom.common.cost;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

/**
 * One call's usage with its price: USD per kind and in total, from price table {@code
 * priceVersion}.
 */
public record Priced(
    Metered usage,
    LocalDate day,
    String priceVersion,
    Map<String, BigDecimal> usdByKind,
    BigDecimal usd) {
  public Priced {
    usdByKind = Map.copyOf(usdByKind);
  }
}
