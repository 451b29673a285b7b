package com.interviewroom.realtime.worker;

import java.util.UUID;

/**
 * One consumer's knobs. Tests shorten {@code claimIdleMs}/{@code claimIntervalMs} and use their own
 * stream name so they do not meet other tests on a shared Redis.
 *
 * <p>{@code claimIdleMs} is how long an entry may sit pending without news before another consumer
 * takes it over; a consumer still handling an entry refreshes it every {@code claimIdleMs / 3}, so
 * a slow handler is never taken over while its consumer lives. {@code handlerTimeoutMs} bounds one
 * handler call: longer than the agent call it makes ({@link AgentHandlers#CALL_TIMEOUT_MS}).
 */
public record WorkerSettings(
    String stream,
    String group,
    String consumer,
    int batch,
    long blockMs,
    long claimIdleMs,
    long claimIntervalMs,
    int maxDeliveries,
    long handlerTimeoutMs) {
  public static final String STREAM = "events";
  public static final String OBSERVERS = "observer-workers";
  public static final String EVALUATORS = "evaluator-workers";

  /** The production read size; the throughput benchmark reports it next to larger ones. */
  public static final int BATCH = 32;

  public static final long HANDLER_TIMEOUT_MS = AgentHandlers.CALL_TIMEOUT_MS + 30_000;

  public static WorkerSettings defaults(String stream, String group) {
    return new WorkerSettings(
        stream, group, consumerName(), BATCH, 5_000, 30_000, 5_000, 5, HANDLER_TIMEOUT_MS);
  }

  public String deadLetters() {
    return stream + ".dlq";
  }

  /**
   * How often entries being handled are refreshed, so their idle time never reaches {@code
   * claimIdleMs}.
   */
  public long heartbeatMs() {
    return Math.max(10, claimIdleMs / 3);
  }

  public WorkerSettings withClaims(long idleMs, long intervalMs) {
    return new WorkerSettings(
        stream,
        group,
        consumer,
        batch,
        blockMs,
        idleMs,
        intervalMs,
        maxDeliveries,
        handlerTimeoutMs);
  }

  public WorkerSettings withConsumer(String name) {
    return new WorkerSettings(
        stream,
        group,
        name,
        batch,
        blockMs,
        claimIdleMs,
        claimIntervalMs,
        maxDeliveries,
        handlerTimeoutMs);
  }

  public WorkerSettings withMaxDeliveries(int deliveries) {
    return new WorkerSettings(
        stream,
        group,
        consumer,
        batch,
        blockMs,
        claimIdleMs,
        claimIntervalMs,
        deliveries,
        handlerTimeoutMs);
  }

  public WorkerSettings withBatch(int size) {
    return new WorkerSettings(
        stream,
        group,
        consumer,
        size,
        blockMs,
        claimIdleMs,
        claimIntervalMs,
        maxDeliveries,
        handlerTimeoutMs);
  }

  private static String consumerName() {
    String host = System.getenv().getOrDefault("HOSTNAME", "worker");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
