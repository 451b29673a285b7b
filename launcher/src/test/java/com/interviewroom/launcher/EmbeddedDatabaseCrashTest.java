package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.EmbeddedDatabase;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.launcher.faults.ProcessFaults;
import com.interviewroom.launcher.faults.WebhookLoad;
import com.interviewroom.schema.DatabaseUrl;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default's Postgres keeps every acknowledged write through a crash of its server. */
class EmbeddedDatabaseCrashTest {
  @TempDir Path dataDir;

  private Config config(int port) {
    return Config.from(WebhookLoad.edgeEnv(dataDir, port));
  }

  @Test
  @DisplayName(
      "kill -9 of the embedded Postgres under write load loses no write that was answered 200")
  void acknowledgedWritesSurviveACrash() throws Exception {
    int port = FreePort.find();
    Set<String> acknowledged;
    try (RunningSystem running = Launcher.start(config(port))) {
      assertThat(settings(running.config().databaseUrl()))
          .containsEntry("fsync", "on")
          .containsEntry("synchronous_commit", "on")
          .containsEntry("full_page_writes", "on");
      WebhookLoad load = new WebhookLoad(port, 8);
      try {
        Thread.sleep(2_500);
        long pid = EmbeddedDatabase.postmasterPid(dataDir.resolve("postgres")).orElseThrow();
        ProcessFaults.killTree(pid);
        Thread.sleep(300);
      } finally {
        load.close();
      }
      acknowledged = load.acknowledged();
    }
    assertThat(acknowledged).as("writes answered 200 before the crash").hasSizeGreaterThan(20);
    try (RunningSystem restarted = Launcher.start(config(FreePort.find()))) {
      Set<String> stored = storedEvents(restarted.config().databaseUrl(), acknowledged);
      Set<String> lost = new HashSet<>(acknowledged);
      lost.removeAll(stored);
      assertThat(lost)
          .as("acknowledged writes missing after the crash, of " + acknowledged.size())
          .isEmpty();
    }
  }

  static Map<String, String> settings(String databaseUrl) throws Exception {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")) {
      Map<String, String> settings = new java.util.HashMap<>();
      while (rs.next()) {
        settings.put(rs.getString(1), rs.getString(2));
      }
      return settings;
    }
  }

  static Set<String> storedEvents(String databaseUrl, Set<String> ids) throws Exception {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        PreparedStatement ps =
            c.prepareStatement("SELECT id FROM stripe_events WHERE id = ANY(?)")) {
      Array array = c.createArrayOf("text", ids.toArray());
      ps.setArray(1, array);
      Set<String> stored = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
      return stored;
    }
  }
}
