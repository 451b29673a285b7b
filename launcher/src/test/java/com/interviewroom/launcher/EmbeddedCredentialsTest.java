package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.launcher.embedded.EmbeddedDatabase;
import com.interviewroom.launcher.embedded.EmbeddedRedis;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.schema.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * The embedded Postgres and Redis require generated passwords kept in DATA_DIR/keys; older data
 * directories keep working.
 */
class EmbeddedCredentialsTest {
  @TempDir Path dataDir;

  private static Connection connect(int port, String user, String password) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", user, password);
  }

  @Test
  @DisplayName(
      "a Postgres cluster made by the old trust-everyone default keeps its data and then requires the generated password")
  void postgresRequiresThePassword() throws Exception {
    int port = FreePort.find();
    Path cluster = dataDir.resolve("postgres");
    Files.createDirectories(cluster);
    // what an earlier version left behind: initdb -A trust, a row of data
    try (EmbeddedPostgres legacy =
            EmbeddedPostgres.builder()
                .setDataDirectory(cluster)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
        Connection c = connect(port, "postgres", null);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE kept (v text)");
      st.execute("INSERT INTO kept VALUES ('from before')");
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, port)) {
      String password = Files.readString(dataDir.resolve("keys/postgres-password")).trim();
      assertThat(password).hasSize(64);
      DatabaseUrl url = DatabaseUrl.parse(db.url());
      assertThat(url.password()).isEqualTo(password);
      try (Connection c = connect(port, "postgres", password);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("from before");
      }
      assertThatThrownBy(() -> connect(port, "postgres", null).close())
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> connect(port, "postgres", "wrong").close())
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> connect(port, "someone", "").close())
          .isInstanceOf(SQLException.class);
    }
    // a second start (already converted) uses the same password
    try (EmbeddedDatabase again = EmbeddedDatabase.start(dataDir, FreePort.find())) {
      DatabaseUrl url = DatabaseUrl.parse(again.url());
      try (Connection c = connect(url.port(), "postgres", url.password())) {
        assertThat(c.isValid(5)).isTrue();
      }
    }
  }

  @Test
  @DisplayName(
      "Redis answers NOAUTH without the generated password, and an append-only file from before keeps its keys")
  void redisRequiresThePassword() throws Exception {
    Path dir = dataDir.resolve("redis");
    Files.createDirectories(dir);
    int oldPort = FreePort.find();
    RedisServer legacy =
        RedisServer.newRedisServer()
            .port(oldPort)
            .bind("127.0.0.1")
            .setting("dir " + dir.toAbsolutePath())
            .setting("appendonly yes")
            .build();
    legacy.start();
    try {
      assertThat(command(oldPort, "SET kept from-before")).isEqualTo("+OK");
    } finally {
      legacy.stop();
    }
    int port = FreePort.find();
    try (EmbeddedRedis redis = EmbeddedRedis.start(dataDir, port)) {
      String password = Files.readString(dataDir.resolve("keys/redis-password")).trim();
      assertThat(password).hasSize(64);
      assertThat(redis.url()).isEqualTo("redis://:" + password + "@127.0.0.1:" + port);
      assertThat(command(port, "GET kept")).startsWith("-NOAUTH");
      assertThat(command(port, "AUTH " + password, "GET kept")).isEqualTo("$11");
    }
  }

  /** Sends inline commands on one connection and returns the first line of the last reply. */
  private static String command(int port, String... commands) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String last = null;
      for (String command : commands) {
        out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        last = in.readLine();
      }
      return last;
    }
  }
}
