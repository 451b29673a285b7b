package com.interviewroom.edge.web;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.http.RequestIds;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request: method, path (never the query or headers), status, duration,
 * requestId.
 */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger("access");

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(
        done -> {
          if (log.isInfoEnabled()) {
            log.info(
                "http {} {} {} {} {}",
                kv("requestId", RequestIds.of(ctx)),
                kv("method", ctx.request().method().name()),
                kv("path", ctx.request().path()),
                kv("status", ctx.response().getStatusCode()),
                kv("durationMs", (System.nanoTime() - started) / 1_000_000));
          }
        });
    ctx.next();
  }
}
