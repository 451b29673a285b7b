package com.interviewroom.common.wire;

/**
 * The paths of the private HTTP APIs, named once for the server that routes them and the client
 * that calls them: the edge's internal listener (agent callbacks from the workers, HMAC-signed; the
 * public listener refuses everything under {@link #INTERNAL}) and the sandbox runner's API.
 */
public final class InternalPaths {
  /** Everything under it exists on the internal listener only. */
  public static final String INTERNAL = "/api/internal/";

  /** Route pattern for every internal path. */
  public static final String INTERNAL_ALL = INTERNAL + "*";

  public static final String OBSERVE_CODE = INTERNAL + "agents/observe-code";
  public static final String EVALUATE = INTERNAL + "agents/evaluate";

  /** Prometheus text, on the internal listener only. */
  public static final String METRICS = "/metrics";

  /**
   * The sandbox runner's token-protected API; its {@code /health} is the same path as everyone's.
   */
  public static final String SANDBOX_API_ALL = "/v1/*";

  public static final String SANDBOX_RUN = "/v1/run";
  public static final String SANDBOX_CHECK = "/v1/check";
  public static final String SANDBOX_RUNTIMES = "/v1/runtimes";
  public static final String SANDBOX_HEALTH = "/health";

  private InternalPaths() {}
}
