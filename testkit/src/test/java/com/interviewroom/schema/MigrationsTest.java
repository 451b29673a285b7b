package com.interviewroom.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  private static final String[] TABLES = {
    "users",
    "profiles",
    "problems",
    "test_cases",
    "problem_solutions",
    "sessions",
    "transcripts",
    "code_snapshots",
    "evaluations",
    "credit_transactions",
    "payments",
    "subscriptions",
    "stripe_events",
    "events",
    "refresh_tokens",
    "admins",
    "cost_entries",
    "costs"
  };

  /** The read paths' indexes (V1__tables.sql): name, its table, and the key columns in order. */
  private static final Map<String, String[]> READ_PATH_INDEXES =
      Map.of(
          "sessions_user_created_idx", new String[] {"sessions", "(user_id, created_at DESC)"},
          "sessions_status_idx", new String[] {"sessions", "(status)"},
          "code_snapshots_session_created_idx",
              new String[] {"code_snapshots", "(session_id, created_at DESC)"},
          "transcripts_session_turn_idx",
              new String[] {"transcripts", "(session_id, turn_started_at)"});

  private static String url;

  /** An empty database (no template), so the migrations run from nothing. */
  @BeforeAll
  static void createEmptyDatabase() throws SQLException {
    DatabaseUrl server = TestDatabase.serverUrl();
    String name =
        "ir_t_empty_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    try (Connection c = Sql.open(server.toUrl());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    url = server.withDatabase(name).toUrl();
  }

  @AfterAll
  static void dropDatabase() {
    TestDatabase.drop(url);
  }

  @Test
  @DisplayName(
      "the migrations build the whole schema from an empty database, with RLS on every table, and a rerun is a no-op")
  void migratesFromEmpty() throws SQLException {
    Migrations.migrate(url);
    Migrations.migrate(url);

    try (Connection c = Sql.open(url)) {
      assertThat(Sql.count(c, "SELECT count(*) FROM flyway_schema_history WHERE success"))
          .isEqualTo(Sql.count(c, "SELECT count(*) FROM flyway_schema_history"));
      assertThat(Sql.count(c, "SELECT count(*) FROM flyway_schema_history WHERE NOT success"))
          .isZero();
      for (String table : TABLES) {
        assertThat(
                Sql.count(
                    c,
                    "SELECT count(*) FROM pg_class WHERE relname = ? AND relkind = 'r' AND relrowsecurity",
                    table))
            .as(table + " exists with row-level security enabled")
            .isEqualTo(1);
      }
      assertThat(
              Sql.count(
                  c,
                  "SELECT count(*) FROM pg_roles WHERE rolname IN ('app_user', 'app_service', 'app_reporting') AND NOT rolcanlogin"))
          .isEqualTo(3);
    }
  }

  @Test
  @DisplayName(
      "the read paths have their indexes: sessions by user and time, sessions by status, snapshots and transcripts by session and time")
  void readPathIndexesExist() throws SQLException {
    Migrations.migrate(url);

    try (Connection c = Sql.open(url);
        PreparedStatement st =
            c.prepareStatement(
                "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = ?")) {
      for (Map.Entry<String, String[]> index : READ_PATH_INDEXES.entrySet()) {
        st.setString(1, index.getKey());
        try (ResultSet rs = st.executeQuery()) {
          assertThat(rs.next()).as(index.getKey() + " exists").isTrue();
          assertThat(rs.getString("tablename"))
              .as(index.getKey() + " table")
              .isEqualTo(index.getValue()[0]);
          assertThat(rs.getString("indexdef"))
              .as(index.getKey() + " columns")
              .endsWith(index.getValue()[1]);
        }
      }
    }
  }
}
