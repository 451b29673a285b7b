package com.interviewroom.edge.auth;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;

/**
 * The published versions of the terms and the privacy policy: the one place they are named. {@code
 * GET /api/legal} serves them, and a sign-up must carry the current {@link #TERMS_VERSION}.
 * Publishing new terms means changing the constant here (and the page) in the same commit.
 */
public final class Legal {
  public static final String TERMS_VERSION = "2026-12-01";
  public static final String PRIVACY_VERSION = "2026-12-07";

  private Legal() {}

  /**
   * {@code 400 terms_outdated} for an accepted terms version other than the current one (sign-up,
   * and a terms acceptance sent to {@code PATCH /api/users/profile}); null when it is current.
   */
  public static ApiException outdatedTerms(String termsVersion) {
    if (TERMS_VERSION.equals(termsVersion)) {
      return null;
    }
    return Problems.badRequest(
        "terms_outdated",
        "The terms have changed: read and accept version " + TERMS_VERSION + " (GET /api/legal).");
  }
}
