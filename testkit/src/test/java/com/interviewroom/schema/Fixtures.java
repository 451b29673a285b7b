package com.interviewroom.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/** Rows in every user table for one user, inserted as the owner (as workers and webhooks would). */
final class Fixtures {

  /** The ids a user's rows hang off. */
  record UserRows(UUID userId, UUID sessionId, UUID paymentId) {}

  /** A user table and how to select one user's rows in it. */
  record Owned(String table, String predicate, boolean bySession) {
    String countSql() {
      return "SELECT count(*) FROM " + table + " WHERE " + predicate;
    }

    Object key(UserRows rows) {
      return bySession ? rows.sessionId() : rows.userId();
    }

    @Override
    public String toString() {
      return table;
    }
  }

  /** Every table holding user data, with the predicate naming one user's rows. */
  static final List<Owned> USER_TABLES =
      List.of(
          new Owned("users", "id = ?", false),
          new Owned("profiles", "user_id = ?", false),
          new Owned("sessions", "user_id = ?", false),
          new Owned("transcripts", "session_id = ?", true),
          new Owned("code_snapshots", "session_id = ?", true),
          new Owned("evaluations", "session_id = ?", true),
          new Owned("credit_transactions", "user_id = ?", false),
          new Owned("payments", "user_id = ?", false),
          new Owned("subscriptions", "user_id = ?", false),
          new Owned("events", "user_id = ?", false));

  private Fixtures() {}

  /**
   * A problem with a solution and one test case of each kind, so each half of the policy {@code
   * is_example AND NOT is_hidden} is tried: two visible examples, a hidden non-example, a hidden
   * example and a visible non-example.
   */
  static UUID problem(Connection c, String slug) throws SQLException {
    UUID id =
        Sql.id(
            c,
            """
            INSERT INTO problems (slug, title, difficulty, category, description, function_signature, duration_minutes)
            VALUES (?, 'T', 'easy', 'arrays', 'd', '{"name":"f","params":[],"returns":"int"}', 30) RETURNING id""",
            slug);
    Sql.update(
        c,
        """
            INSERT INTO test_cases (problem_id, ordinal, input, expected, is_example, is_hidden) VALUES
              (?, 0, '{}', '1', true, false), (?, 1, '{}', '2', true, false), (?, 2, '{}', '3', false, true),
              (?, 3, '{}', '4', true, true), (?, 4, '{}', '5', false, false)""",
        id,
        id,
        id,
        id,
        id);
    Sql.update(
        c,
        "INSERT INTO problem_solutions (problem_id, language, code) VALUES (?, 'python', 'pass')",
        id);
    return id;
  }

  static UUID user(Connection c, String email) throws SQLException {
    return Sql.id(
        c,
        "INSERT INTO users (email, password_hash) VALUES (?, 'argon2-hash') RETURNING id",
        email);
  }

  /** A user with one row in every user table (plus the signup bonus the trigger writes). */
  static UserRows userWithData(Connection c, String email, UUID problemId) throws SQLException {
    UUID user = user(c, email);
    UUID session =
        Sql.id(
            c,
            """
            INSERT INTO sessions (user_id, problem_id, language, status, started_at, deadline_at)
            VALUES (?, ?, 'python', 'active', now(), now() + interval '30 minutes') RETURNING id""",
            user,
            problemId);
    Sql.update(
        c,
        "INSERT INTO transcripts (session_id, item_id, role, text) VALUES (?, 'item_1', 'user', 'hello')",
        session);
    Sql.update(
        c,
        "INSERT INTO code_snapshots (session_id, code, language, snapshot_type) VALUES (?, 'print(1)', 'python', 'manual')",
        session);
    Sql.update(c, "INSERT INTO evaluations (session_id, status) VALUES (?, 'pending')", session);
    UUID payment =
        Sql.id(
            c,
            """
            INSERT INTO payments (user_id, stripe_payment_intent_id, package_id, amount_cents, currency, status, credits)
            VALUES (?, ?, 'pack_5', 500, 'usd', 'succeeded', 5) RETURNING id""",
            user,
            "pi_" + user);
    Sql.update(
        c,
        "INSERT INTO credit_transactions (user_id, delta, reason, payment_id) VALUES (?, 5, 'purchase', ?)",
        user,
        payment);
    Sql.update(
        c,
        "INSERT INTO credit_transactions (user_id, delta, reason, session_id) VALUES (?, -1, 'session_start', ?)",
        user,
        session);
    Sql.update(
        c,
        "INSERT INTO subscriptions (user_id, stripe_subscription_id, plan, status) VALUES (?, ?, 'pro', 'active')",
        user,
        "sub_" + user);
    Sql.update(
        c,
        "INSERT INTO events (user_id, session_id, kind, tracked_skill_id_hash) VALUES (?, ?, 'session.started', repeat('a', 64))",
        user,
        session);
    return new UserRows(user, session, payment);
  }
}
