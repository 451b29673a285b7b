package com.interviewroom.edge.web;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.session.model.ConcurrentChange;
import com.interviewroom.session.model.IllegalTransition;
import com.interviewroom.session.model.InsufficientCredits;
import com.interviewroom.session.model.NoSuchSession;

/**
 * The answers to the session module's exceptions, for the one {@code ProblemHandler}: the session
 * model knows nothing of HTTP, so its refusals become problems here.
 */
public final class SessionProblems {
  private SessionProblems() {}

  /** The problem for a session-model exception; null for any other failure. */
  public static ApiException of(Throwable failure) {
    return switch (failure) {
      case IllegalTransition illegal ->
          new ApiException(409, "illegal_transition", "Conflict", illegal.getMessage());
      case NoSuchSession missing -> Problems.notFound(missing.getMessage());
      case ConcurrentChange changed -> Problems.conflict("concurrent_change", changed.getMessage());
      case InsufficientCredits none ->
          Problems.paymentRequired(
              "insufficient_credits",
              "You have no credits left. Buy credits or subscribe to start a session.");
      case null, default -> null;
    };
  }
}
