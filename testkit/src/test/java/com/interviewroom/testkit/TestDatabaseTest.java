package com.interviewroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.schema.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {

  @Test
  @DisplayName("each fresh database is a new, migrated copy, and drop removes it")
  void freshDatabases() throws SQLException {
    String first = TestDatabase.freshDatabaseUrl();
    String second = TestDatabase.freshDatabaseUrl();

    assertThat(DatabaseUrl.parse(first).database())
        .startsWith("ir_t_")
        .isNotEqualTo(DatabaseUrl.parse(second).database());
    assertThat(count(first, "SELECT count(*) FROM flyway_schema_history WHERE success"))
        .isPositive();
    assertThat(count(first, "SELECT count(*) FROM users")).isZero();

    TestDatabase.drop(first);
    TestDatabase.drop(second);

    String server = TestDatabase.serverUrl().toUrl();
    assertThat(
            count(
                server,
                "SELECT count(*) FROM pg_database WHERE datname = '"
                    + DatabaseUrl.parse(first).database()
                    + "'"))
        .isZero();
  }

  @Test
  @DisplayName("the template name follows the migration files' content")
  void templateHashIsStable() {
    assertThat(TestDatabase.migrationsHash()).hasSize(64).isEqualTo(TestDatabase.migrationsHash());
  }

  private static long count(String url, String sql) throws SQLException {
    DatabaseUrl u = DatabaseUrl.parse(url);
    try (Connection c = DriverManager.getConnection(u.jdbcUrl(), u.user(), u.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
