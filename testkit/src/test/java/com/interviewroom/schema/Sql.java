package com.interviewroom.schema;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Plain JDBC for schema tests: they probe the database itself (roles, policies, triggers), so
 * direct SQL states each rule most plainly. The schema tests live in the testkit module because
 * schema cannot depend on testkit (that would be a cycle).
 */
final class Sql {

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private Sql() {}

  /** A connection as the login (owner) user, autocommit on. */
  static Connection open(String url) throws SQLException {
    DatabaseUrl u = DatabaseUrl.parse(url);
    return DriverManager.getConnection(u.jdbcUrl(), u.user(), u.password());
  }

  /** One transaction as app_user with app.user_id set, exactly as {@link Database#asUser} does. */
  static <T> T asUser(Connection c, UUID userId, Work<T> work) throws SQLException {
    return inTransaction(
        c,
        "SELECT set_config('role', 'app_user', true), set_config('app.user_id', '"
            + userId
            + "', true)",
        work);
  }

  /** One transaction as app_service, exactly as {@link Database#asService} does. */
  static <T> T asService(Connection c, Work<T> work) throws SQLException {
    return inTransaction(c, "SELECT set_config('role', 'app_service', true)", work);
  }

  /** One transaction as app_user without any app.user_id. */
  static <T> T asAnonymousUser(Connection c, Work<T> work) throws SQLException {
    return inTransaction(c, "SELECT set_config('role', 'app_user', true)", work);
  }

  private static <T> T inTransaction(Connection c, String setup, Work<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement ps = c.prepareStatement(setup)) {
        ps.execute();
      }
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  static long count(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static UUID id(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getObject(1, UUID.class);
    }
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }
}
