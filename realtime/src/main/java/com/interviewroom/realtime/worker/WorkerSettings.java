package com.interviewroom.realtime.worker;

import java.util.UUID;

/**
 * One consumer's knobs. Tests shorten {@code claimIdleMs}/{@code claimIntervalMs} and use their own
 * stream name so they do not meet other tests on a shared Redis.
 */
public record WorkerSettings(String stream, String group, String consumer, int batch, long blockMs,
                             long claimIdleMs, long claimIntervalMs, int maxDeliveries) {
  public static final String STREAM = "events";
  public static final String OBSERVERS = "observer-workers";
  public static final String EVALUATORS = "evaluator-workers";

  public static WorkerSettings defaults(String stream, String group) {
    return new WorkerSettings(stream, group, consumerName(), 32, 5_000, 30_000, 5_000, 5);
  }

  public String deadLetters() {
    return stream + ".dlq";
  }

  public WorkerSettings withClaims(long idleMs, long intervalMs) {
    return new WorkerSettings(stream, group, consumer, batch, blockMs, idleMs, intervalMs, maxDeliveries);
  }

  public WorkerSettings withConsumer(String name) {
    return new WorkerSettings(stream, group, name, batch, blockMs, claimIdleMs, claimIntervalMs, maxDeliveries);
  }

  private static String consumerName() {
    String host = System.getenv().getOrDefault("HOSTNAME", "worker");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
