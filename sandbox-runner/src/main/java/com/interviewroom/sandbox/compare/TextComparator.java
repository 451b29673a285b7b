package com.interviewroom.sandbox.compare;

/**
 * Whitespace-normalised text equality for stdout problems: line endings, trailing spaces, final
 * blank lines.
 */
public final class TextComparator {
  private TextComparator() {}

  public static boolean matches(String expected, String actual) {
    return normalize(expected).equals(normalize(actual));
  }

  public static String normalize(String text) {
    String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.stripTrailing()).append('\n');
    }
    return out.toString().strip();
  }
}
