package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.redis.client.Redis;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisVersionTest {

  @Test
  @DisplayName(
      "Redis 6.2 and newer is accepted (XAUTOCLAIM exists), with or without a pre-release suffix")
  void supportedVersions() {
    for (String version :
        new String[] {"6.2.0", "6.2.14", "7.0.15", "7.2.4", "8.0.0", "10.1", "7.4.0-rc1"}) {
      assertThat(RedisVersion.requireSupported(version)).as(version).isEqualTo(version);
    }
  }

  @Test
  @DisplayName("Redis older than 6.2 is refused naming REDIS_URL and the version")
  void olderVersionsAreRefused() {
    for (String version : new String[] {"6.0.16", "6.1.9", "5.0.14", "2.8.0"}) {
      assertThatThrownBy(() -> RedisVersion.requireSupported(version))
          .as(version)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("REDIS_URL")
          .hasMessageContaining("version " + version)
          .hasMessageContaining("6.2 or newer");
    }
  }

  @Test
  @DisplayName("a version that is not a number is refused with a clear message, not a parse error")
  void garbageIsRefused() {
    for (String version : new String[] {"", "seven", "7", "v7.2.4", "7.x.1", "7.2.4 extra"}) {
      assertThatThrownBy(() -> RedisVersion.requireSupported(version))
          .as(version)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "REDIS_URL reported redis_version '" + version + "', which is not a version number");
    }
    assertThatThrownBy(() -> RedisVersion.requireSupported(null))
        .hasMessageContaining("not a version number");
  }

  @Test
  @DisplayName(
      "the version is read from the redis_version line of INFO server; a reply without one is let through unchecked")
  void readFromInfo() {
    String info =
        "# Server\r\nredis_git_sha1:00000000\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\n";
    assertThat(RedisVersion.fromInfo(info)).isEqualTo("7.2.4");
    assertThat(RedisVersion.fromInfo("redis_version:6.2.0\n")).isEqualTo("6.2.0");
    assertThat(RedisVersion.fromInfo("# Server\r\nredis_mode:standalone\r\n")).isNull();
    assertThat(RedisVersion.fromInfo(null)).isNull();
  }

  @Test
  @DisplayName("the test Redis passes the start-up check")
  void realServerPasses() {
    Vertx vertx = Vertx.vertx();
    try {
      Redis redis = Redis.createClient(vertx, TestRedis.url());
      String version = RedisVersion.check(redis).await();
      assertThat(RedisVersion.requireSupported(version)).isEqualTo(version);
      redis.close();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("the launcher refuses to start against a Redis 6.0 at REDIS_URL, naming the version")
  void launcherRefusesOldRedis(@TempDir Path dataDir) throws Exception {
    Vertx vertx = Vertx.vertx();
    String databaseUrl = TestDatabase.freshDatabaseUrl();
    try {
      NetServer oldRedis =
          vertx
              .createNetServer()
              .connectHandler(RedisVersionTest::answerAsRedis60)
              .listen(0, "127.0.0.1")
              .await();
      Config config =
          Config.from(
              Map.of(
                  "DATA_DIR", dataDir.toString(),
                  "PORT", String.valueOf(FreePort.find()),
                  "INTERNAL_PORT", String.valueOf(FreePort.find()),
                  "DATABASE_URL", databaseUrl,
                  "REDIS_URL", "redis://127.0.0.1:" + oldRedis.actualPort()),
              "ROLE=edge");
      assertThatThrownBy(() -> Launcher.start(config).close())
          .hasMessageContaining("REDIS_URL is version 6.0.16")
          .hasMessageContaining("6.2 or newer");
    } finally {
      vertx.close().await();
      TestDatabase.drop(databaseUrl);
    }
  }

  @Test
  @DisplayName(
      "a Redis that refuses INFO (restricted managed service) is let through unchecked, not refused")
  void infoRefusedIsNotFatal() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      NetServer restricted =
          vertx
              .createNetServer()
              .connectHandler(
                  socket ->
                      socket.handler(
                          request -> {
                            String command = request.toString().toUpperCase(java.util.Locale.ROOT);
                            socket.write(
                                command.contains("INFO") || command.contains("HELLO")
                                    ? "-ERR unknown command\r\n"
                                    : "+OK\r\n");
                          }))
              .listen(0, "127.0.0.1")
              .await();
      io.vertx.redis.client.Redis client =
          io.vertx.redis.client.Redis.createClient(
              vertx, "redis://127.0.0.1:" + restricted.actualPort());
      assertThat(RedisVersion.check(client).await()).isEqualTo("unknown");
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Just enough RESP for a client's handshake: HELLO is unknown (a RESP2 server), INFO says 6.0.16,
   * the rest is OK.
   */
  private static void answerAsRedis60(io.vertx.core.net.NetSocket socket) {
    socket.handler(
        request -> {
          String command = request.toString().toUpperCase(java.util.Locale.ROOT);
          if (command.contains("HELLO")) {
            socket.write("-ERR unknown command 'HELLO'\r\n");
          } else if (command.contains("INFO")) {
            String info = "# Server\r\nredis_version:6.0.16\r\nredis_mode:standalone\r\n";
            socket.write("$" + info.length() + "\r\n" + info + "\r\n");
          } else {
            socket.write("+OK\r\n");
          }
        });
  }
}
