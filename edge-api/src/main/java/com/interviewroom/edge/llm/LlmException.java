package com.interviewroom.edge.llm;

/**
 * A failed Messages API call. {@code status} is the HTTP status (0 for a timeout or a broken
 * connection); {@code retryAfterMs} comes from the {@code retry-after} header when present.
 */
public final class LlmException extends RuntimeException {
  private final int status;
  private final String errorType;
  private final long retryAfterMs;

  public LlmException(int status, String errorType, String message, long retryAfterMs) {
    super(message, null, false, false);
    this.status = status;
    this.errorType = errorType;
    this.retryAfterMs = retryAfterMs;
  }

  public int status() { return status; }
  public String errorType() { return errorType; }
  public long retryAfterMs() { return retryAfterMs; }

  /** A 200 reply we could not use (not JSON, or no call of the forced tool): the model answered, just not usably. */
  public boolean malformedReply() {
    return status == 200;
  }

  /** Overload (529), rate limits (429), server errors and timeouts are worth retrying; 4xx are not. */
  public boolean retryable() {
    return status == 0 || status == 429 || status >= 500;
  }
}
