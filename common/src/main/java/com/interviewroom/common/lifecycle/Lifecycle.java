package com.interviewroom.common.lifecycle;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Where a module's entry point ({@code EdgeApp}, {@code RealtimeApp}) records what it started, so
 * the process (the launcher's {@code RunningSystem}) stops it in order.
 */
public interface Lifecycle {
  /** A verticle deployment under a name; deployments are undeployed last first. */
  void deployed(String part, String deploymentId);

  /** Runs after the deployments are undeployed, last registered first. */
  void onClose(Supplier<Future<?>> closer);
}
