package com.interviewroom.edge.llm;

/**
 * A failed Messages API call. {@code status} is the HTTP status (0 for a timeout or a broken
 * connection); {@code retryAfterMs} comes from {@code retry-after-ms} or {@code retry-after} when
 * present; {@code shouldRetry} is the server's {@code x-should-retry} header (null when absent).
 */
public final class LlmException extends RuntimeException {
  private final int status;
  private final String errorType;
  private final long retryAfterMs;
  private final Boolean shouldRetry;

  public LlmException(int status, String errorType, String message, long retryAfterMs) {
    this(status, errorType, message, retryAfterMs, null);
  }

  public LlmException(
      int status, String errorType, String message, long retryAfterMs, Boolean shouldRetry) {
    super(message, null, false, false);
    this.status = status;
    this.errorType = errorType;
    this.retryAfterMs = retryAfterMs;
    this.shouldRetry = shouldRetry;
  }

  public int status() {
    return status;
  }

  public String errorType() {
    return errorType;
  }

  public long retryAfterMs() {
    return retryAfterMs;
  }

  /**
   * A 200 reply we could not use (not JSON, or no call of the forced tool): the model answered,
   * just not usably.
   */
  public boolean malformedReply() {
    return status == 200;
  }

  /**
   * As the official SDK decides ({@code anthropic-sdk-python} {@code _base_client.py} {@code
   * _should_retry}): the server's {@code x-should-retry} wins; otherwise timeouts and broken
   * connections, 408, 409, 429 and every 5xx (529 overloaded included) are retried, other 4xx
   * (unknown model, bad key, invalid request) never.
   */
  public boolean retryable() {
    if (shouldRetry != null) {
      return shouldRetry;
    }
    return status == 0 || status == 408 || status == 409 || status == 429 || status >= 500;
  }
}
