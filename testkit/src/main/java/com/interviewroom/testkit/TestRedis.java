package com.interviewroom.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;
import redis.embedded.RedisServer;

/**
 * The Redis that tests use: {@code TEST_REDIS_URL} when set (CI), else one embedded Redis per JVM
 * on a free port, stopped at exit. Tests share it, so they should use their own key prefixes or
 * stream names rather than FLUSHALL.
 */
public final class TestRedis {

  private static volatile String url;

  private TestRedis() {}

  /** {@code redis://host:port}. Starts the embedded server on first call. BLOCKING. */
  public static String url() {
    String u = url;
    if (u == null) {
      synchronized (TestRedis.class) {
        u = url;
        if (u == null) {
          String env = System.getenv("TEST_REDIS_URL");
          u = env != null && !env.isBlank() ? env : startEmbedded();
          url = u;
        }
      }
    }
    return u;
  }

  /**
   * {@link #url()} with a logical database of its own (1 to 15, at random) when the URL names none:
   * for a whole running system, whose {@code events} stream and consumer groups have fixed names
   * that other test JVMs on the same server use too. Pub/sub ignores the database, but its channels
   * carry random session ids.
   */
  public static String isolatedUrl() {
    String base = url();
    String path = URI.create(base).getPath();
    return path == null || path.isEmpty() || "/".equals(path)
        ? base.replaceAll("/$", "") + "/" + ThreadLocalRandom.current().nextInt(1, 16)
        : base;
  }

  private static String startEmbedded() {
    try {
      int port = freePort();
      RedisServer server =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no")
              .build();
      server.start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.stop();
                    } catch (IOException ignored) {
                      // the process is exiting anyway
                    }
                  },
                  "test-redis-stop"));
      return "redis://127.0.0.1:" + port;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start embedded Redis (set TEST_REDIS_URL to use a server)", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
