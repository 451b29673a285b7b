package com.interviewroom.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

  @Test
  void everyNamedPoolGetsItsOwnSeries() throws Exception {
    PrometheusMeterRegistry registry = Observability.newRegistry();
    Vertx vertx = Observability.vertx(registry);
    WorkerExecutor first = vertx.createSharedWorkerExecutor("first-pool");
    WorkerExecutor second = vertx.createSharedWorkerExecutor("second-pool");
    try {
      first.executeBlocking(() -> 1).toCompletionStage().toCompletableFuture().get();
      second.executeBlocking(() -> 2).toCompletionStage().toCompletableFuture().get();

      String scrape = registry.scrape();
      assertThat(scrape).contains("pool_name=\"first-pool\"").contains("pool_name=\"second-pool\"");
    } finally {
      first.close();
      second.close();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  @org.junit.jupiter.api.DisplayName(
      "the series the alert rules watch are on /metrics: voice failovers, failed evaluations")
  void alertSeriesAreExposed() {
    PrometheusMeterRegistry registry = Observability.newRegistry();
    OpsCounters.voiceFailover();
    String scrape = registry.scrape();
    assertThat(scrape)
        .containsPattern("(?m)^interviewroom_voice_failovers_total [1-9]")
        .containsPattern("(?m)^interviewroom_evaluations_failed_total \\d");
  }

  @Test
  @org.junit.jupiter.api.DisplayName(
      "on Linux x86_64 the servers run on epoll, not the JDK selector")
  void nativeTransportOnLinux() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getProperty("os.name").startsWith("Linux")
            && "amd64".equals(System.getProperty("os.arch")),
        "epoll is shipped for Linux x86_64 only");
    Vertx vertx = Observability.vertx(Observability.newRegistry());
    try {
      assertThat(vertx.isNativeTransportEnabled())
          .as("native transport, cause: %s", vertx.unavailableNativeTransportCause())
          .isTrue();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
