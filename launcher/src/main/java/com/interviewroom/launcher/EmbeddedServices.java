package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.EmbeddedDatabase;
import com.interviewroom.launcher.embedded.EmbeddedObjectStore;
import com.interviewroom.launcher.embedded.EmbeddedRedis;
import com.interviewroom.launcher.embedded.FreePort;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Starts an embedded server for each of DATABASE_URL, REDIS_URL and S3_ENDPOINT left unset, and
 * returns the configuration pointing at them. Blocking: runs on the main thread before Vert.x.
 */
final class EmbeddedServices implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final java.util.Set<String> names = new java.util.LinkedHashSet<>();

  Config start(Config config) throws Exception {
    Config resolved = config;
    if (config.embeddedDatabase()) {
      EmbeddedDatabase db = remember(EmbeddedDatabase.start(config.dataDir(), FreePort.find()));
      resolved = resolved.withDatabaseUrl(db.url());
      names.add("postgres");
      log.info("embedded postgres started {}", kv("dir", config.dataDir().resolve("postgres").toString()));
    }
    if (config.embeddedRedis()) {
      EmbeddedRedis redis = remember(EmbeddedRedis.start(config.dataDir(), FreePort.find()));
      resolved = resolved.withRedisUrl(redis.url());
      names.add("redis");
      log.info("embedded redis started {}", kv("url", redis.url()));
    }
    if (config.embeddedS3()) {
      EmbeddedObjectStore s3 = remember(EmbeddedObjectStore.start(
          config.dataDir(), FreePort.find(), config.s3().accessKey(), config.s3().secretKey()));
      resolved = resolved.withS3Endpoint(s3.endpoint());
      names.add("s3");
      log.info("embedded s3 started {}", kv("endpoint", s3.endpoint()));
    }
    return resolved;
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
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        log.warn("embedded service did not stop cleanly {}", kv("error", e.toString()));
      }
    }
  }
}
