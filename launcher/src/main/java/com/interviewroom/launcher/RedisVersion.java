package com.interviewroom.launcher;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers reclaim stalled stream entries with {@code XAUTOCLAIM}, which Redis added in 6.2: an
 * older server would start and then fail on the first reclaim, so start-up refuses it instead.
 * Messages name REDIS_URL and the version, never the URL (it may carry a password).
 */
final class RedisVersion {
  static final int MIN_MAJOR = 6;
  static final int MIN_MINOR = 2;

  private static final Pattern VERSION =
      Pattern.compile("(\\d+)\\.(\\d+)(?:\\.\\d+)?(?:[-+~][\\w.]*)?");

  private static final Logger log = LoggerFactory.getLogger(RedisVersion.class);

  private RedisVersion() {}

  /**
   * Reads {@code INFO server} and fails when the server reports a version older than 6.2. A server
   * that does not answer {@code INFO} (some managed services restrict it) or reports no version is
   * let through with a warning: refusing it would stop a working deployment over a check.
   */
  static Future<String> check(Redis redis) {
    return redis
        .send(Request.cmd(Command.INFO).arg("server"))
        .timeout(10, TimeUnit.SECONDS)
        .map(info -> fromInfo(info == null ? null : info.toString()))
        .recover(
            e -> {
              log.warn(
                  "Redis version not checked: INFO server failed at REDIS_URL ({}); XAUTOCLAIM needs Redis {}.{}+",
                  e.getClass().getSimpleName(),
                  MIN_MAJOR,
                  MIN_MINOR);
              return Future.succeededFuture(null);
            })
        .map(
            version -> {
              if (version == null) {
                return "unknown";
              }
              return requireSupported(version);
            });
  }

  /** The {@code redis_version} field of an {@code INFO server} reply; null when it has none. */
  static String fromInfo(String info) {
    if (info != null) {
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("redis_version:")) {
          return line.substring("redis_version:".length()).trim();
        }
      }
    }
    log.warn(
        "Redis version not checked: INFO server at REDIS_URL reported no redis_version; XAUTOCLAIM needs Redis {}.{}+",
        MIN_MAJOR,
        MIN_MINOR);
    return null;
  }

  /**
   * Returns {@code version} when it is 6.2 or newer; otherwise a clear refusal naming REDIS_URL.
   */
  static String requireSupported(String version) {
    Matcher m = version == null ? null : VERSION.matcher(version);
    if (m == null || !m.matches()) {
      throw new IllegalStateException(
          "the Redis at REDIS_URL reported redis_version '"
              + version
              + "', which is not a version number; InterviewRoom needs Redis "
              + MIN_MAJOR
              + "."
              + MIN_MINOR
              + " or newer (XAUTOCLAIM)");
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR)) {
      throw new IllegalStateException(
          "the Redis at REDIS_URL is version "
              + version
              + "; InterviewRoom needs Redis "
              + MIN_MAJOR
              + "."
              + MIN_MINOR
              + " or newer (the workers reclaim stalled stream entries with XAUTOCLAIM)");
    }
    return version;
  }
}
