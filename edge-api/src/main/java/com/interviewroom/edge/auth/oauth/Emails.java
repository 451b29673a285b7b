package com.interviewroom.edge.auth.oauth;

import com.interviewroom.edge.auth.SignInRefused;
import com.interviewroom.edge.web.JsonInput;

/** A provider's email, normalised as our sign-up does, or refused when it cannot be an address. */
final class Emails {
  private Emails() {}

  static String normalized(String email) {
    String value = JsonInput.normalizeEmail(email);
    int at = value.indexOf('@');
    if (value.length() > 320
        || at < 1
        || at != value.lastIndexOf('@')
        || at == value.length() - 1
        || value.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new SignInRefused("provider_error", "provider email is not an address");
    }
    return value;
  }
}
