package com.interviewroom.common.observability;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/** Builds the Vert.x instance with Micrometer metrics on one Prometheus registry. */
public final class Observability {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(Observability.class);

  private Observability() {}

  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OpsCounters.bind(registry);
    return registry;
  }

  /**
   * A Vert.x whose HTTP server metrics carry the matched route, so each route has its own series.
   * Pool names and types are labels too: without them every pool (Postgres, worker, HTTP client)
   * would register the same unlabelled series and Prometheus would refuse all but the first.
   */
  public static Vertx vertx(PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setLabels(
                EnumSet.of(
                    Label.HTTP_METHOD,
                    Label.HTTP_CODE,
                    Label.HTTP_ROUTE,
                    Label.EB_ADDRESS,
                    Label.POOL_TYPE,
                    Label.POOL_NAME))
            .setJvmMetricsEnabled(true);
    // epoll where it is on the class path (Linux x86_64); elsewhere Vert.x falls back to the JDK's
    // NIO
    VertxOptions options =
        new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true);
    Vertx vertx =
        Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    // an exception no handler caught: Vert.x would only log it; it is a bug, so Sentry hears of it
    // too
    vertx.exceptionHandler(Observability::unhandled);
    return vertx;
  }

  static void unhandled(Throwable failure) {
    log.error("unhandled exception", failure);
    ErrorReports.report(failure, java.util.Map.of());
  }
}
