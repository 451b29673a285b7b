package com.interviewroom.sandbox.compare;

import java.util.Optional;

/** How a returned value is compared with the expected one; names as in docs/problem-format.md. */
public enum CompareMode {
  EXACT("exact"),
  FLOAT("float"),
  UNORDERED("unordered"),
  UNORDERED_NESTED("unordered-nested"),
  TEXT("text");

  private final String wireName;

  CompareMode(String wireName) {
    this.wireName = wireName;
  }

  public static Optional<CompareMode> fromWire(String name) {
    for (CompareMode mode : values()) {
      if (mode.wireName.equals(name)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
