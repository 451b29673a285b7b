package com.interviewroom.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every rule tried with direct SQL as app_user for two users A and B. */
class RowLevelSecurityTest extends DatabaseTest {

  /** permission denied, and also "new row violates row-level security policy". */
  private static final String INSUFFICIENT_PRIVILEGE = "42501";

  static final List<Fixtures.Owned> USER_TABLES = Fixtures.USER_TABLES;

  private static Fixtures.UserRows a;
  private static Fixtures.UserRows b;

  @BeforeAll
  static void setUp() throws SQLException {
    UUID problem = Fixtures.problem(c, "rls-problem");
    a = Fixtures.userWithData(c, "a@example.com", problem);
    b = Fixtures.userWithData(c, "b@example.com", problem);
  }

  @ParameterizedTest(name = "user B reads none of user A''s rows in {0}, but reads its own")
  @FieldSource("USER_TABLES")
  void userSeesOnlyOwnRows(Fixtures.Owned table) throws SQLException {
    long othersRows =
        Sql.asUser(c, b.userId(), tx -> Sql.count(tx, table.countSql(), table.key(a)));
    long ownRows = Sql.asUser(c, b.userId(), tx -> Sql.count(tx, table.countSql(), table.key(b)));
    long allVisible =
        Sql.asUser(c, b.userId(), tx -> Sql.count(tx, "SELECT count(*) FROM " + table.table()));

    assertThat(othersRows).isZero();
    assertThat(ownRows).isPositive();
    assertThat(allVisible).isEqualTo(ownRows);
  }

  @ParameterizedTest(name = "app_service reads both users'' rows in {0}")
  @FieldSource("USER_TABLES")
  void serviceSeesEverything(Fixtures.Owned table) throws SQLException {
    long aRows = Sql.asService(c, tx -> Sql.count(tx, table.countSql(), table.key(a)));
    long bRows = Sql.asService(c, tx -> Sql.count(tx, table.countSql(), table.key(b)));

    assertThat(aRows).isPositive();
    assertThat(bRows).isPositive();
  }

  @Test
  @DisplayName("app_user without app.user_id reads no user rows at all")
  void anonymousSeesNothing() throws SQLException {
    for (Fixtures.Owned table : USER_TABLES) {
      long n = Sql.asAnonymousUser(c, tx -> Sql.count(tx, "SELECT count(*) FROM " + table.table()));
      assertThat(n).as(table.table()).isZero();
    }
  }

  @Test
  @DisplayName("problems are readable by every user")
  void problemsAreReadable() throws SQLException {
    assertThat(
            Sql.<Long>asUser(c, b.userId(), tx -> Sql.count(tx, "SELECT count(*) FROM problems")))
        .isEqualTo(1);
  }

  @Test
  @DisplayName(
      "users read only test cases that are examples and not hidden: not hidden examples, not visible non-examples")
  void hiddenTestCasesAreInvisible() throws SQLException {
    assertThat(
            Sql.<Long>asUser(c, a.userId(), tx -> Sql.count(tx, "SELECT count(*) FROM test_cases")))
        .isEqualTo(2);
    assertThat(
            Sql.<Long>asUser(
                c,
                a.userId(),
                tx ->
                    Sql.count(
                        tx,
                        "SELECT count(*) FROM test_cases WHERE NOT (is_example AND NOT is_hidden)")))
        .isZero();
    assertThat(
            Sql.<Long>asUser(
                c,
                a.userId(),
                tx ->
                    Sql.count(
                        tx, "SELECT count(*) FROM test_cases WHERE is_example AND is_hidden")))
        .as("a hidden example")
        .isZero();
    assertThat(
            Sql.<Long>asUser(
                c,
                a.userId(),
                tx ->
                    Sql.count(
                        tx,
                        "SELECT count(*) FROM test_cases WHERE NOT is_example AND NOT is_hidden")))
        .as("a visible non-example")
        .isZero();
    assertThat(Sql.<Long>asService(c, tx -> Sql.count(tx, "SELECT count(*) FROM test_cases")))
        .isEqualTo(5);
  }

  @Test
  @DisplayName(
      "a user cannot insert a session, not even their own: session start runs as app_service")
  void sessionInsertIsServiceOnly() throws SQLException {
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    a.userId(),
                    tx ->
                        Sql.update(
                            tx,
                            "INSERT INTO sessions (user_id, problem_id, language) SELECT ?, id, 'python' FROM problems",
                            a.userId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
    int asService =
        Sql.asService(
            c,
            tx ->
                Sql.update(
                    tx,
                    "INSERT INTO sessions (user_id, problem_id, language) SELECT ?, id, 'python' FROM problems",
                    a.userId()));
    assertThat(asService).isEqualTo(1);
    Sql.update(c, "DELETE FROM sessions WHERE user_id = ? AND status = 'scheduled'", a.userId());
  }

  @Test
  @DisplayName("reference solutions are denied to users outright")
  void solutionsAreDenied() {
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c, a.userId(), tx -> Sql.count(tx, "SELECT count(*) FROM problem_solutions")))
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
  }

  @Test
  @DisplayName("Stripe's event log is denied to users outright")
  void stripeEventsAreDenied() {
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c, a.userId(), tx -> Sql.count(tx, "SELECT count(*) FROM stripe_events")))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
  }

  @Test
  @DisplayName("a user cannot read even their own password hash")
  void passwordHashIsDenied() {
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    a.userId(),
                    tx ->
                        Sql.count(
                            tx, "SELECT count(password_hash) FROM users WHERE id = ?", a.userId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
  }

  @Test
  @DisplayName("a user cannot change their own credits or subscription tier")
  void creditsAndTierAreReadOnly() throws SQLException {
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    a.userId(),
                    tx ->
                        Sql.update(
                            tx,
                            "UPDATE profiles SET credits = 1000 WHERE user_id = ?",
                            a.userId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    a.userId(),
                    tx ->
                        Sql.update(
                            tx,
                            "UPDATE profiles SET subscription_tier = 'enterprise' WHERE user_id = ?",
                            a.userId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    a.userId(),
                    tx ->
                        Sql.update(
                            tx,
                            "INSERT INTO credit_transactions (user_id, delta, reason) VALUES (?, 100, 'purchase')",
                            a.userId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);

    assertThat(Sql.count(c, "SELECT credits FROM profiles WHERE user_id = ?", a.userId()))
        .isEqualTo(7);
    assertThat(
            Sql.count(
                c,
                "SELECT count(*) FROM profiles WHERE user_id = ? AND subscription_tier = 'free'",
                a.userId()))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a user edits their own profile's self-service fields, and no one else's")
  void profileEditsAreOwnOnly() throws SQLException {
    int own =
        Sql.asUser(
            c,
            a.userId(),
            tx ->
                Sql.update(
                    tx,
                    "UPDATE profiles SET display_name = 'Ada', experience_level = 'senior', updated_at = now() WHERE user_id = ?",
                    a.userId()));
    int others =
        Sql.asUser(
            c,
            b.userId(),
            tx ->
                Sql.update(
                    tx,
                    "UPDATE profiles SET display_name = 'Mallory' WHERE user_id = ?",
                    a.userId()));

    assertThat(own).isEqualTo(1);
    assertThat(others).isZero();
    assertThat(Sql.count(c, "SELECT count(*) FROM profiles WHERE display_name = 'Ada'"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a user cannot write a snapshot, event or session into another user's account")
  void writesAreOwnOnly() {
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    b.userId(),
                    tx ->
                        Sql.update(
                            tx,
                            "INSERT INTO code_snapshots (session_id, code, language, snapshot_type) VALUES (?, 'x', 'python', 'manual')",
                            a.sessionId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    b.userId(),
                    tx ->
                        Sql.update(
                            tx, "INSERT INTO events (user_id, kind) VALUES (?, 'x')", a.userId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    b.userId(),
                    tx ->
                        Sql.update(
                            tx,
                            "INSERT INTO sessions (user_id, problem_id, language) SELECT ?, id, 'python' FROM problems",
                            a.userId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
  }

  @Test
  @DisplayName("a user writes snapshots and events into their own session")
  void ownWritesSucceed() throws SQLException {
    int snapshot =
        Sql.asUser(
            c,
            a.userId(),
            tx ->
                Sql.update(
                    tx,
                    "INSERT INTO code_snapshots (session_id, code, language, snapshot_type) VALUES (?, 'x', 'python', 'auto')",
                    a.sessionId()));
    int event =
        Sql.asUser(
            c,
            a.userId(),
            tx ->
                Sql.update(
                    tx,
                    "INSERT INTO events (user_id, session_id, kind) VALUES (?, ?, 'code.saved')",
                    a.userId(),
                    a.sessionId()));

    assertThat(snapshot).isEqualTo(1);
    assertThat(event).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a user can neither end nor tamper with another user's session, nor charge it to themselves")
  void sessionUpdatesAreOwnOnly() throws SQLException {
    int others =
        Sql.asUser(
            c,
            b.userId(),
            tx ->
                Sql.update(
                    tx, "UPDATE sessions SET status = 'abandoned' WHERE id = ?", a.sessionId()));
    assertThat(others).isZero();
    assertThatThrownBy(
            () ->
                Sql.asUser(
                    c,
                    a.userId(),
                    tx ->
                        Sql.update(
                            tx,
                            "UPDATE sessions SET credit_refunded = true WHERE id = ?",
                            a.sessionId())))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
  }

  @Test
  @DisplayName("a user cannot delete another user's account")
  void accountDeletionIsOwnOnly() throws SQLException {
    int deleted =
        Sql.asUser(
            c, b.userId(), tx -> Sql.update(tx, "DELETE FROM users WHERE id = ?", a.userId()));

    assertThat(deleted).isZero();
    assertThat(Sql.count(c, "SELECT count(*) FROM users WHERE id = ?", a.userId())).isEqualTo(1);
  }
}
