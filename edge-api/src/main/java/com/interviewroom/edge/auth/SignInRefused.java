package com.interviewroom.edge.auth;

/**
 * A provider sign-in that cannot go on. {@code code} is what the person's browser is sent back with
 * ({@code /login?error=<code>}, one of {@link #CODES}); {@code reason} says why for the log, and
 * never holds a token, a code, a state or an email.
 */
public final class SignInRefused extends RuntimeException {
  /** Every code the login page has a message for (docs/web.md). */
  public static final java.util.Set<String> CODES =
      java.util.Set.of(
          "provider_disabled",
          "access_denied",
          "provider_error",
          "provider_unavailable",
          "state_invalid",
          "id_token_invalid",
          "email_unverified",
          "terms_required",
          "terms_outdated",
          "account_exists",
          "account_deleted",
          "rate_limited",
          "sign_in_failed");

  private final String code;

  public SignInRefused(String code, String reason) {
    super(reason, null, false, false);
    if (!CODES.contains(code)) {
      throw new IllegalArgumentException("unknown sign-in refusal code " + code);
    }
    this.code = code;
  }

  public String code() {
    return code;
  }
}
