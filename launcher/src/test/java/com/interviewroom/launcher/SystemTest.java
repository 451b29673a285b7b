package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.TestAuthLimits;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.http.WebSocketClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The setup the end-to-end tests share: the whole system in this JVM ({@link Launcher#start}) on
 * one free port, over a fresh database, started before each test and closed after it, with a
 * database handle, a WebSocket client and the REST API. A test adds settings (and starts the fakes
 * they point at) by overriding {@link #extraEnv}.
 */
abstract class SystemTest {
  @TempDir Path dataDir;

  String databaseUrl;
  int port;
  int internalPort;
  RunningSystem running;
  Database db;
  WebSocketClient wsClient;
  ApiClient api;

  /**
   * What the system talks to (fakes a test starts in {@link #extraEnv}): closed after the system,
   * in order.
   */
  final List<AutoCloseable> closedAfterTheSystem = new ArrayList<>();

  /** Settings on top of {@link #env}; none unless a test says so. */
  Map<String, String> extraEnv() throws Exception {
    return Map.of();
  }

  @BeforeEach
  void startSystem() throws Exception {
    databaseUrl = TestDatabase.freshDatabaseUrl();
    port = FreePort.find();
    internalPort = FreePort.find();
    Map<String, String> env = env(dataDir, databaseUrl, port, internalPort);
    env.putAll(extraEnv());
    running = Launcher.start(Config.from(env));
    db = Database.connect(running.vertx(), databaseUrl, 2);
    wsClient = running.vertx().createWebSocketClient();
    api = new ApiClient(port);
  }

  @AfterEach
  void stopSystem() throws Exception {
    try {
      if (running != null) {
        try {
          await(wsClient.close());
          await(db.close());
        } finally {
          running.close();
        }
      }
    } finally {
      for (AutoCloseable fake : closedAfterTheSystem) {
        fake.close();
      }
      TestDatabase.drop(databaseUrl);
    }
  }

  /**
   * One node serving REST and the gateway on {@code port}: its own data directory, database and
   * Redis database, free internal and sandbox ports, the sign-in limits raised. A mutable map, for
   * a test's own settings.
   */
  private static Map<String, String> env(
      Path dataDir, String databaseUrl, int port, int internalPort) {
    Map<String, String> env = new HashMap<>(TestAuthLimits.RAISED);
    env.putAll(
        Map.of(
            "DATA_DIR", dataDir.toString(),
            "DATABASE_URL", databaseUrl,
            "REDIS_URL", TestRedis.isolatedUrl(),
            "PORT", String.valueOf(port),
            "INTERNAL_PORT", String.valueOf(internalPort),
            "SANDBOX_PORT", String.valueOf(FreePort.find())));
    return env;
  }
}
