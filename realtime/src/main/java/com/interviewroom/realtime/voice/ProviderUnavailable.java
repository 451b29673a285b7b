package com.interviewroom.realtime.voice;

import java.util.UUID;

/**
 * Every provider attempt failed; the gateway closes the connection and the session is errored and
 * refunded.
 */
public final class ProviderUnavailable extends RuntimeException {
  public static final String CODE = "provider_unavailable";
  private final UUID sessionId;
  private final String lastCause;

  public ProviderUnavailable(UUID sessionId, String lastCause) {
    super(CODE + " (last cause: " + lastCause + ")", null, false, false);
    this.sessionId = sessionId;
    this.lastCause = lastCause;
  }

  public String code() {
    return CODE;
  }

  public UUID sessionId() {
    return sessionId;
  }

  public String lastCause() {
    return lastCause;
  }
}
