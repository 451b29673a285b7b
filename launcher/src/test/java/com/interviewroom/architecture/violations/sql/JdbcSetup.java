package com.interviewroom.architecture.violations.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Plain JDBC outside a repository. */
public final class JdbcSetup {
  public void run(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("SELECT 1");
    }
  }
}
