package com.interviewroom.edge.auth;

/**
 * The published versions of the terms and the privacy policy: the one place they are named.
 * {@code GET /api/legal} serves them, and a sign-up must carry the current {@link #TERMS_VERSION}.
 * Publishing new terms means changing the constant here (and the page) in the same commit.
 */
public final class Legal {
  public static final String TERMS_VERSION = "2026-12-01";
  public static final String PRIVACY_VERSION = "2026-12-01";

  private Legal() {}
}
