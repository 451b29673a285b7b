package com.interviewroom.launcher.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/** Redis 6.2 from the binaries in the embedded-redis artifact; append-only file in {@code DATA_DIR/redis}. */
public final class EmbeddedRedis implements AutoCloseable {
  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Blocking. */
  public static EmbeddedRedis start(Path dataDir, int port) throws IOException {
    Path dir = dataDir.resolve("redis");
    Files.createDirectories(dir);
    RedisServer server = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("dir " + dir.toAbsolutePath())
        .setting("appendonly yes")
        .setting("save 60 1")
        .setting("protected-mode yes")
        .onShutdownForceStop(true)
        .build();
    server.start();
    return new EmbeddedRedis(server, port);
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }
}
