package com.interviewroom.sandbox;

import java.util.Arrays;
import java.util.Optional;

public enum Language {
  PYTHON("python"),
  JAVASCRIPT("javascript"),
  JAVA("java");

  private final String wireName;

  Language(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Language> fromWire(String name) {
    return Arrays.stream(values()).filter(l -> l.wireName.equals(name)).findFirst();
  }
}
