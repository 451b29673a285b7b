package com.interviewroom.schema;

import com.interviewroom.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The setup the schema tests share: per test class, a fresh migrated database and one connection to
 * it as the owner, dropped after the class's last test. A test class's own {@code @BeforeAll}
 * (inserting its rows) runs after this one. Test classes run one at a time in a fork, so the static
 * fields are the running class's.
 */
abstract class DatabaseTest {

  static String url;
  static Connection c;

  @BeforeAll
  static void openDatabase() throws SQLException {
    url = TestDatabase.freshDatabaseUrl();
    c = Sql.open(url);
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    c.close();
    TestDatabase.drop(url);
  }
}
