package com.interviewroom.common.observability;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide counts the alert rules in {@code infra/prometheus/alerts.yml} watch, kept like
 * {@link OpenSockets} so the code that counts needs no registry: voice provider failovers and
 * evaluations stored as failed. (Open WebSockets are Vert.x's own {@code
 * vertx_http_server_active_ws_connections}.)
 */
public final class OpsCounters {
  private static final AtomicLong VOICE_FAILOVERS = new AtomicLong();
  private static final AtomicLong EVALUATION_FAILURES = new AtomicLong();

  private OpsCounters() {}

  /** A live interview lost its voice provider and moved to the next one. */
  public static void voiceFailover() {
    VOICE_FAILOVERS.incrementAndGet();
  }

  /** An evaluation was stored with status failed. */
  public static void evaluationFailed() {
    EVALUATION_FAILURES.incrementAndGet();
  }

  /**
   * Registers {@code interviewroom_voice_failovers_total}, {@code
   * interviewroom_evaluations_failed_total}.
   */
  static void bind(MeterRegistry registry) {
    FunctionCounter.builder("interviewroom.voice.failovers", VOICE_FAILOVERS, AtomicLong::get)
        .description("Live interviews moved to another voice provider")
        .register(registry);
    FunctionCounter.builder(
            "interviewroom.evaluations.failed", EVALUATION_FAILURES, AtomicLong::get)
        .description("Evaluations stored as failed")
        .register(registry);
  }
}
