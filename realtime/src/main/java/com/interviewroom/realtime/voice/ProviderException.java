package com.interviewroom.realtime.voice;

/**
 * Why a provider could not connect or stopped: {@code fatal} failures (invalid key, quota) are not
 * retried; {@code retryAfterMs} > 0 marks a rate limit.
 */
public final class ProviderException extends RuntimeException {
  private final String code;
  private final boolean fatal;
  private final long retryAfterMs;

  public ProviderException(String code, String message, boolean fatal, long retryAfterMs) {
    super(message, null, false, false);
    this.code = code;
    this.fatal = fatal;
    this.retryAfterMs = retryAfterMs;
  }

  public static ProviderException transientFailure(String code, String message) {
    return new ProviderException(code, message, false, 0);
  }

  public static ProviderException fatal(String code, String message) {
    return new ProviderException(code, message, true, 0);
  }

  public static ProviderException rateLimited(long retryAfterMs) {
    return new ProviderException("rate_limited", "rate limited", false, Math.max(1, retryAfterMs));
  }

  public String code() {
    return code;
  }

  public boolean fatal() {
    return fatal;
  }

  public boolean rateLimited() {
    return retryAfterMs > 0;
  }

  public long retryAfterMs() {
    return retryAfterMs;
  }
}
