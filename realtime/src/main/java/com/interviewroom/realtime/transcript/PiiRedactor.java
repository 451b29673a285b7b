package com.interviewroom.realtime.transcript;

import java.util.regex.Pattern;

/**
 * Removes emails, phone numbers and SSN-like numbers from spoken transcripts before they are
 * stored. The patterns demand the separators people use when they say or type those (dashes, dots,
 * spaces, parentheses, a leading +), so technical talk survives: "O(n log n)", "10^9", "1e-6", "[1,
 * 2, 3]", "1000000007", port 8080, "12:30", dates like 2024-01-15.
 */
public final class PiiRedactor {
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  private static final Pattern SSN =
      Pattern.compile("(?<![\\w.-])\\d{3}[- ]\\d{2}[- ]\\d{4}(?![\\w-]|\\.\\d)");

  /** North American style: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567. */
  private static final Pattern PHONE_NANP =
      Pattern.compile(
          "(?<![\\w.^-])(?:\\+?1[ .-]?)?(?:\\(\\d{3}\\)\\s?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?![\\w-]|\\.\\d)");

  /** International with a leading +: +44 20 7946 0958, +4915112345678. */
  private static final Pattern PHONE_INTL =
      Pattern.compile("(?<![\\w.^])\\+\\d{1,3}(?:[ .-]?\\d{2,5}){2,4}(?![\\w-]|\\.\\d)");

  /**
   * The fewest digits any number pattern matches: {@code +1} and two groups of two ({@link
   * #PHONE_INTL}).
   */
  private static final int MIN_DIGITS = 5;

  private PiiRedactor() {}

  /**
   * ASCII digits, counted only up to {@link #MIN_DIGITS}; {@code \d} in the patterns is ASCII too.
   */
  private static int digits(String text) {
    int count = 0;
    for (int i = 0, n = text.length(); i < n && count < MIN_DIGITS; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        count++;
      }
    }
    return count;
  }

  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    // every transcript line passes here, and most hold none of what the patterns need: an email
    // needs an '@', every number pattern at least five digits (SSN 9, NANP 10, +CC and two groups
    // 5)
    String out = text.indexOf('@') >= 0 ? EMAIL.matcher(text).replaceAll("[email]") : text;
    if (digits(out) < MIN_DIGITS) {
      return out;
    }
    out = SSN.matcher(out).replaceAll("[ssn]");
    out = PHONE_NANP.matcher(out).replaceAll("[phone]");
    out = PHONE_INTL.matcher(out).replaceAll("[phone]");
    return out;
  }
}
