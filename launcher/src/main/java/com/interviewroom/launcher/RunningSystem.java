package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.lifecycle.Lifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A started system: what runs, where it listens, and how to stop it in order. */
public final class RunningSystem implements AutoCloseable, Lifecycle {
  private final Vertx vertx;
  private Config config;
  private final EmbeddedServices embedded;
  private final Deque<Supplier<Future<?>>> closers = new ArrayDeque<>();
  private final Map<String, String> deployments = new LinkedHashMap<>();

  RunningSystem(Vertx vertx, Config config, EmbeddedServices embedded) {
    this.vertx = vertx;
    this.config = config;
    this.embedded = embedded;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The configuration after embedded services were started (their URLs filled in). */
  public Config config() {
    return config;
  }

  /** Which of postgres, redis, s3 were started embedded. */
  public java.util.Set<String> embedded() {
    return embedded.names();
  }

  /** How often each embedded child (postgres, redis) was restarted after dying. */
  public Map<String, Integer> embeddedRestarts() {
    return embedded.restarts();
  }

  /** After in-process parts are started (their URLs filled in). */
  void reconfigure(Config next) {
    this.config = next;
  }

  @Override
  public void onClose(Supplier<Future<?>> closer) {
    closers.push(closer);
  }

  @Override
  public void deployed(String part, String deploymentId) {
    deployments.put(part, deploymentId);
  }

  public Map<String, String> deployments() {
    return Map.copyOf(deployments);
  }

  /**
   * Undeploys verticles (servers stop accepting, stream loops drain), closes clients, stops
   * embedded servers.
   */
  @Override
  public void close() {
    try {
      // reverse order: stream workers drain into the internal listener before it stops
      java.util.List<String> ids = new java.util.ArrayList<>(deployments.values());
      java.util.Collections.reverse(ids);
      for (String id : ids) {
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception ignored) {
      // shutting down anyway
    }
    while (!closers.isEmpty()) {
      try {
        closers.pop().get().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // keep closing the rest
      }
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
    embedded.close();
  }
}
