package com.interviewroom.launcher.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/**
 * Redis 6.2 from the binaries in the embedded-redis artifact; append-only file in {@code
 * DATA_DIR/redis}. Every write is in the file (written, fsynced each second) before Redis answers,
 * so a crash of the Redis process loses no acknowledged write; only a crash of the machine can lose
 * the last second. Clients must authenticate with a generated password kept in {@code
 * DATA_DIR/keys/redis-password} ({@code requirepass}); an older data directory without one gets it
 * on its next start, its data unchanged.
 */
public final class EmbeddedRedis implements EmbeddedChild {
  /** Up to 2 s for a forked child to let go of the binary it inherited open for writing. */
  private static final int BUSY_TEXT_ATTEMPTS = 40;

  private static final long BUSY_TEXT_WAIT_MS = 50;

  private volatile RedisServer server;
  private final Path dir;
  private final int port;
  private final String password;

  private EmbeddedRedis(RedisServer server, Path dir, int port, String password) {
    this.server = server;
    this.dir = dir;
    this.port = port;
    this.password = password;
  }

  /** Blocking. */
  public static EmbeddedRedis start(Path dataDir, int port) throws IOException {
    Path dir = dataDir.resolve("redis");
    Files.createDirectories(dir);
    String password = SecretFile.loadOrCreate(dataDir.resolve("keys/redis-password"));
    return new EmbeddedRedis(server(dir, port, password), dir, port, password);
  }

  private static RedisServer server(Path dir, int port, String password) throws IOException {
    RedisServer server =
        RedisServer.newRedisServer()
            .port(port)
            .bind("127.0.0.1")
            .setting("requirepass " + password)
            .setting("dir " + dir.toAbsolutePath())
            .setting("pidfile " + pidFile(dir).toAbsolutePath())
            .setting("appendonly yes")
            .setting("appendfsync everysec")
            .setting("save 60 1")
            .setting("protected-mode yes")
            .onShutdownForceStop(true)
            .build();
    startRetryingBusyText(server::start);
    return server;
  }

  /** A start that may fail with an {@link IOException}. */
  interface Start {
    void run() throws IOException;
  }

  /**
   * Runs {@code start}, again while its exec fails with ETXTBSY ("Text file busy"). The library
   * writes the Redis binary just before running it, and a process that another thread of this JVM
   * forks meanwhile holds the writing descriptor until that child execs (JDK-8068370), so the exec
   * may briefly see the file open for writing. Anything else fails at once.
   */
  static void startRetryingBusyText(Start start) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        start.run();
        return;
      } catch (IOException e) {
        if (attempt >= BUSY_TEXT_ATTEMPTS || !textFileBusy(e)) {
          throw e;
        }
        try {
          Thread.sleep(BUSY_TEXT_WAIT_MS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static boolean textFileBusy(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains("Text file busy")) {
        return true;
      }
    }
    return false;
  }

  private static Path pidFile(Path dir) {
    return dir.resolve("redis.pid");
  }

  /** With the password: never log it. */
  public String url() {
    return "redis://:" + password + "@127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The server's pid from its pid file, or -1. */
  public long pid() {
    try {
      return Long.parseLong(Files.readString(pidFile(dir)).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public boolean alive() {
    long pid = pid();
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Same directory and port: the append-only file is replayed, clients reconnect on their next
   * command.
   */
  @Override
  public synchronized void restart() throws IOException {
    try {
      server.stop();
    } catch (IOException | RuntimeException ignored) {
      // the process is gone already
    }
    Files.deleteIfExists(pidFile(dir));
    server = server(dir, port, password);
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }
}
