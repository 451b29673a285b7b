package com.interviewroom.session.model;

/**
 * A start that would spend a credit the user does not have (the edge answers 402 {@code
 * insufficient_credits}).
 */
public final class InsufficientCredits extends RuntimeException {
  public InsufficientCredits() {
    super("No credits left.", null, false, false);
  }
}
