package com.interviewroom.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CHECK and UNIQUE constraints that keep data right, tried with direct SQL as the owner. */
class ConstraintsTest extends DatabaseTest {

  private static final String CHECK_VIOLATION = "23514";
  private static final String UNIQUE_VIOLATION = "23505";
  private static final int MAX_CODE_BYTES = 50 * 1024;

  private static Fixtures.UserRows user;

  @BeforeAll
  static void setUp() throws SQLException {
    user =
        Fixtures.userWithData(
            c, "constraints@example.com", Fixtures.problem(c, "constraints-problem"));
  }

  private static String sqlState(ThrowingSql statement) {
    try {
      statement.run();
    } catch (SQLException e) {
      return e.getSQLState();
    }
    return "accepted";
  }

  @FunctionalInterface
  private interface ThrowingSql {
    void run() throws SQLException;
  }

  private static int snapshot(String code, String type) throws SQLException {
    return Sql.update(
        c,
        "INSERT INTO code_snapshots (session_id, code, language, snapshot_type) VALUES (?, ?, 'python', ?)",
        user.sessionId(),
        code,
        type);
  }

  @Test
  @DisplayName("a snapshot of exactly 50 KB is stored, one byte more is refused with 23514")
  void snapshotCodeIsAtMost50Kb() throws SQLException {
    assertThat(snapshot("x".repeat(MAX_CODE_BYTES), "auto")).isEqualTo(1);
    assertThat(sqlState(() -> snapshot("x".repeat(MAX_CODE_BYTES + 1), "auto")))
        .isEqualTo(CHECK_VIOLATION);
    // bytes, not characters: 25,601 two-byte characters are 51,202 bytes
    assertThat(sqlState(() -> snapshot("é".repeat(MAX_CODE_BYTES / 2 + 1), "auto")))
        .isEqualTo(CHECK_VIOLATION);
  }

  @Test
  @DisplayName(
      "an unknown snapshot type, session status or evaluation status is refused with 23514")
  void enumsAreChecked() {
    assertThat(sqlState(() -> snapshot("x", "draft"))).isEqualTo(CHECK_VIOLATION);
    assertThat(
            sqlState(
                () ->
                    Sql.update(
                        c, "UPDATE sessions SET status = 'paused' WHERE id = ?", user.sessionId())))
        .isEqualTo(CHECK_VIOLATION);
    assertThat(
            sqlState(
                () ->
                    Sql.update(
                        c,
                        "UPDATE evaluations SET status = 'running' WHERE session_id = ?",
                        user.sessionId())))
        .isEqualTo(CHECK_VIOLATION);
  }

  @Test
  @DisplayName(
      "a transcript item is stored once per session: a duplicate (session_id, item_id) is refused with 23505")
  void transcriptItemsAreUnique() throws SQLException {
    Sql.update(
        c,
        "INSERT INTO transcripts (session_id, item_id, role, text) VALUES (?, 'item_dup', 'user', 'a')",
        user.sessionId());
    assertThat(
            sqlState(
                () ->
                    Sql.update(
                        c,
                        "INSERT INTO transcripts (session_id, item_id, role, text) VALUES (?, 'item_dup', 'assistant', 'b')",
                        user.sessionId())))
        .isEqualTo(UNIQUE_VIOLATION);
  }

  @Test
  @DisplayName("a Stripe event id is recorded once: a redelivery is refused with 23505")
  void stripeEventIdsAreUnique() throws SQLException {
    String id = "evt_" + UUID.randomUUID();
    Sql.update(
        c,
        "INSERT INTO stripe_events (id, type, created) VALUES (?, 'checkout.session.completed', now())",
        id);
    assertThat(
            sqlState(
                () ->
                    Sql.update(
                        c,
                        "INSERT INTO stripe_events (id, type, created) VALUES (?, 'checkout.session.completed', now())",
                        id)))
        .isEqualTo(UNIQUE_VIOLATION);
  }

  @Test
  @DisplayName(
      "external users may have no email, built-in accounts must, and emails stay unique case-insensitively")
  void emails() throws SQLException {
    assertThat(Sql.update(c, "INSERT INTO users (id) VALUES (?)", UUID.randomUUID())).isEqualTo(1);
    assertThat(Sql.update(c, "INSERT INTO users (id) VALUES (?)", UUID.randomUUID()))
        .as("several users without email")
        .isEqualTo(1);
    assertThat(
            sqlState(
                () -> Sql.update(c, "INSERT INTO users (password_hash) VALUES ('argon2-hash')")))
        .isEqualTo(CHECK_VIOLATION);
    assertThat(
            sqlState(
                () ->
                    Sql.update(
                        c,
                        "INSERT INTO users (email, password_hash) VALUES ('CONSTRAINTS@example.com', 'h')")))
        .isEqualTo(UNIQUE_VIOLATION);
  }
}
