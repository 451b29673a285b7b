package com.interviewroom.launcher;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.EmbeddedChild;
import com.interviewroom.launcher.embedded.EmbeddedDatabase;
import com.interviewroom.launcher.embedded.EmbeddedObjectStore;
import com.interviewroom.launcher.embedded.EmbeddedRedis;
import com.interviewroom.launcher.embedded.FreePort;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an embedded server for each of DATABASE_URL, REDIS_URL and S3_ENDPOINT left unset, and
 * returns the configuration pointing at them. Blocking: runs on the main thread before Vert.x.
 *
 * <p><b>Supervision.</b> Postgres and Redis run as child processes. A watchdog thread checks every
 * {@link #SUPERVISE_EVERY_MS} that each is alive and restarts a dead one on the same port and data
 * (Postgres replays its WAL, Redis its append-only file); until then requests needing it answer 503
 * with {@code Retry-After}. A paused child is alive and left alone: the database and Redis timeouts
 * end the requests waiting on it. A restart that fails is tried again on the next check.
 */
final class EmbeddedServices implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);
  static final long SUPERVISE_EVERY_MS = 1_000;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final java.util.Set<String> names = new java.util.LinkedHashSet<>();
  private final java.util.List<EmbeddedChild> children =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.Map<String, Integer> restarts =
      new java.util.concurrent.ConcurrentHashMap<>();
  private java.util.concurrent.ScheduledExecutorService supervisor;

  /**
   * Set when the JVM begins to exit: zonky's own shutdown hook stops Postgres then, and that is no
   * death to repair.
   */
  private volatile boolean exiting;

  private final Thread exitWatch = new Thread(() -> exiting = true, "embedded-exit-watch");

  Config start(Config config) throws Exception {
    Config resolved = config;
    if (config.embeddedDatabase()) {
      EmbeddedDatabase db =
          supervised(remember(EmbeddedDatabase.start(config.dataDir(), FreePort.find())));
      resolved = resolved.withDatabaseUrl(db.url());
      names.add("postgres");
      log.info(
          "embedded postgres started {}",
          kv("dir", config.dataDir().resolve("postgres").toString()));
    }
    if (config.embeddedRedis()) {
      EmbeddedRedis redis =
          supervised(remember(EmbeddedRedis.start(config.dataDir(), FreePort.find())));
      resolved = resolved.withRedisUrl(redis.url());
      names.add("redis");
      log.info("embedded redis started {}", kv("port", redis.port()));
    }
    if (config.embeddedS3()) {
      EmbeddedObjectStore s3 =
          remember(
              EmbeddedObjectStore.start(
                  config.dataDir(),
                  FreePort.find(),
                  config.s3().accessKey(),
                  config.s3().secretKey()));
      resolved = resolved.withS3Endpoint(s3.endpoint());
      names.add("s3");
      log.info("embedded s3 started {}", kv("endpoint", s3.endpoint()));
    }
    if (!children.isEmpty()) {
      Runtime.getRuntime().addShutdownHook(exitWatch);
      supervisor =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("embedded-supervisor").factory());
      supervisor.scheduleWithFixedDelay(
          this::superviseOnce,
          SUPERVISE_EVERY_MS,
          SUPERVISE_EVERY_MS,
          java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return resolved;
  }

  private <T extends EmbeddedChild> T supervised(T child) {
    children.add(child);
    return child;
  }

  /** One round of the watchdog: restart every child whose process is gone. */
  void superviseOnce() {
    for (EmbeddedChild child : children) {
      if (exiting || child.alive()) {
        continue;
      }
      log.warn("embedded server died; restarting it {}", kv("server", child.name()));
      try {
        child.restart();
        int count = restarts.merge(child.name(), 1, Integer::sum);
        log.info(
            "embedded server restarted {} {}", kv("server", child.name()), kv("restarts", count));
      } catch (Exception | Error e) {
        log.error(
            "embedded server did not restart; trying again {} {}",
            kv("server", child.name()),
            kv("error", String.valueOf(e)));
      }
    }
  }

  /** How often each embedded child was restarted after dying. */
  java.util.Map<String, Integer> restarts() {
    return java.util.Map.copyOf(restarts);
  }

  /** Which of postgres, redis, s3 run embedded in this process. */
  java.util.Set<String> names() {
    return java.util.Set.copyOf(names);
  }

  private <T extends AutoCloseable> T remember(T service) {
    started.push(service);
    return service;
  }

  /** Stops in reverse start order; a failure to stop one does not keep the others running. */
  @Override
  public void close() {
    if (supervisor != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitWatch);
      } catch (IllegalStateException alreadyExiting) {
        // closing from a shutdown hook
      }
      supervisor.shutdownNow();
      try {
        supervisor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        log.warn("embedded service did not stop cleanly {}", kv("error", e.toString()));
      }
    }
  }
}
