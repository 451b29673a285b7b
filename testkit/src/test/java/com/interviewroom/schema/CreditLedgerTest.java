package com.interviewroom.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CreditLedgerTest extends DatabaseTest {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String CHECK_VIOLATION = "23514";
  private static final String INSUFFICIENT_PRIVILEGE = "42501";
  private static final String BALANCE_MISMATCHES =
      """
        SELECT count(*) FROM profiles p
         WHERE p.credits <> (SELECT coalesce(sum(delta), 0) FROM credit_transactions t WHERE t.user_id = p.user_id)""";

  private static UUID problem;

  @BeforeAll
  static void setUp() throws SQLException {
    problem = Fixtures.problem(c, "ledger-problem");
  }

  @AfterEach
  void ledgerMatchesBalances() throws SQLException {
    assertThat(Sql.count(c, BALANCE_MISMATCHES))
        .as("profiles whose credits differ from their ledger sum")
        .isZero();
  }

  @Test
  @DisplayName(
      "a new user gets one profile with 3 credits, all of them from one signup_bonus ledger row")
  void signupBonus() throws SQLException {
    UUID user = Fixtures.user(c, "new@example.com");

    assertThat(Sql.count(c, "SELECT credits FROM profiles WHERE user_id = ?", user)).isEqualTo(3);
    assertThat(
            Sql.count(
                c,
                "SELECT count(*) FROM credit_transactions WHERE user_id = ? AND reason = 'signup_bonus' AND delta = 3",
                user))
        .isEqualTo(1);
  }

  @Test
  @DisplayName(
      "20 concurrent signups with one email (any case) create exactly one user, one profile and one bonus")
  void concurrentDuplicateSignups() throws Exception {
    List<String> errors =
        runConcurrently(
            20,
            i -> {
              try (Connection conn = Sql.open(url)) {
                String email = i % 2 == 0 ? "Dup@Example.com" : "dup@example.COM";
                Sql.asService(
                    conn, tx -> Sql.update(tx, "INSERT INTO users (email) VALUES (?)", email));
              }
            });

    assertThat(errors).hasSize(19).containsOnly(UNIQUE_VIOLATION);
    UUID user = Sql.id(c, "SELECT id FROM users WHERE lower(email) = 'dup@example.com'");
    assertThat(Sql.count(c, "SELECT count(*) FROM users WHERE lower(email) = 'dup@example.com'"))
        .isEqualTo(1);
    assertThat(Sql.count(c, "SELECT count(*) FROM profiles WHERE user_id = ?", user)).isEqualTo(1);
    assertThat(Sql.count(c, "SELECT count(*) FROM credit_transactions WHERE user_id = ?", user))
        .isEqualTo(1);
    assertThat(Sql.count(c, "SELECT credits FROM profiles WHERE user_id = ?", user)).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "50 concurrent 1-credit session starts from a balance of 3: exactly 3 succeed, the balance ends at 0")
  void concurrentSpends() throws Exception {
    UUID user = Fixtures.user(c, "spender@example.com");
    List<UUID> sessions = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sessions.add(
          Sql.id(
              c,
              "INSERT INTO sessions (user_id, problem_id, language) VALUES (?, ?, 'java') RETURNING id",
              user,
              problem));
    }

    List<String> errors =
        runConcurrently(
            50,
            i -> {
              try (Connection conn = Sql.open(url)) {
                Sql.asService(
                    conn,
                    tx -> {
                      Sql.update(
                          tx,
                          "INSERT INTO credit_transactions (user_id, delta, reason, session_id) VALUES (?, -1, 'session_start', ?)",
                          user,
                          sessions.get(i));
                      return Sql.update(
                          tx,
                          "UPDATE sessions SET credit_charged = true, status = 'active' WHERE id = ?",
                          sessions.get(i));
                    });
              }
            });

    assertThat(errors).as("refused spends").hasSize(47).containsOnly(CHECK_VIOLATION);
    assertThat(Sql.count(c, "SELECT credits FROM profiles WHERE user_id = ?", user)).isZero();
    assertThat(
            Sql.count(
                c,
                "SELECT count(*) FROM credit_transactions WHERE user_id = ? AND reason = 'session_start'",
                user))
        .isEqualTo(3);
    assertThat(
            Sql.count(
                c, "SELECT count(*) FROM sessions WHERE user_id = ? AND credit_charged", user))
        .isEqualTo(3);
  }

  @Test
  @DisplayName("a session is charged at most once and refunded at most once")
  void oneChargeAndOneRefundPerSession() throws SQLException {
    UUID user = Fixtures.user(c, "once@example.com");
    UUID session =
        Sql.id(
            c,
            "INSERT INTO sessions (user_id, problem_id, language) VALUES (?, ?, 'python') RETURNING id",
            user,
            problem);
    String charge =
        "INSERT INTO credit_transactions (user_id, delta, reason, session_id) VALUES (?, -1, 'session_start', ?)";
    String refund =
        "INSERT INTO credit_transactions (user_id, delta, reason, session_id) VALUES (?, 1, 'refund', ?)";

    Sql.update(c, charge, user, session);
    assertThatThrownBy(() -> Sql.update(c, charge, user, session))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(UNIQUE_VIOLATION);
    Sql.update(c, refund, user, session);
    assertThatThrownBy(() -> Sql.update(c, refund, user, session))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(UNIQUE_VIOLATION);

    assertThat(Sql.count(c, "SELECT credits FROM profiles WHERE user_id = ?", user)).isEqualTo(3);
  }

  @Test
  @DisplayName("a replayed idempotency key is refused, so a retried purchase credits once")
  void idempotencyKey() throws SQLException {
    UUID user = Fixtures.user(c, "buyer@example.com");
    String purchase =
        "INSERT INTO credit_transactions (user_id, delta, reason, idempotency_key) VALUES (?, 5, 'purchase', 'pi_123')";

    Sql.update(c, purchase, user);
    assertThatThrownBy(() -> Sql.update(c, purchase, user))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(UNIQUE_VIOLATION);
    assertThat(Sql.count(c, "SELECT credits FROM profiles WHERE user_id = ?", user)).isEqualTo(8);
  }

  @Test
  @DisplayName("ledger rows cannot be updated or deleted, not even by app_service or the owner")
  void ledgerIsAppendOnly() throws SQLException {
    UUID user = Fixtures.user(c, "immutable@example.com");

    assertThatThrownBy(
            () ->
                Sql.asService(
                    c,
                    tx ->
                        Sql.update(
                            tx,
                            "UPDATE credit_transactions SET delta = 100 WHERE user_id = ?",
                            user)))
        .hasMessageContaining("append-only")
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(INSUFFICIENT_PRIVILEGE);
    assertThatThrownBy(
            () ->
                Sql.asService(
                    c,
                    tx ->
                        Sql.update(tx, "DELETE FROM credit_transactions WHERE user_id = ?", user)))
        .hasMessageContaining("append-only");
    assertThatThrownBy(
            () ->
                Sql.update(
                    c,
                    "UPDATE credit_transactions SET reason = 'purchase' WHERE user_id = ?",
                    user))
        .hasMessageContaining("append-only");
    assertThatThrownBy(
            () -> Sql.update(c, "DELETE FROM credit_transactions WHERE user_id = ?", user))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> Sql.update(c, "TRUNCATE credit_transactions CASCADE"))
        .hasMessageContaining("append-only");

    assertThat(
            Sql.count(
                c,
                "SELECT count(*) FROM credit_transactions WHERE user_id = ? AND delta = 3",
                user))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a spend that would overdraw fails with a check violation and leaves no ledger row")
  void overspendIsRefused() throws SQLException {
    UUID user = Fixtures.user(c, "broke@example.com");

    assertThatThrownBy(
            () ->
                Sql.update(
                    c,
                    "INSERT INTO credit_transactions (user_id, delta, reason) VALUES (?, -4, 'admin_adjustment')",
                    user))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo(CHECK_VIOLATION);
    assertThat(Sql.count(c, "SELECT count(*) FROM credit_transactions WHERE user_id = ?", user))
        .isEqualTo(1);
  }

  @Test
  @DisplayName(
      "deleting a charged session keeps its ledger row, with the session reference cleared")
  void deletedSessionKeepsLedger() throws SQLException {
    UUID user = Fixtures.user(c, "keeps@example.com");
    UUID session =
        Sql.id(
            c,
            "INSERT INTO sessions (user_id, problem_id, language) VALUES (?, ?, 'python') RETURNING id",
            user,
            problem);
    Sql.update(
        c,
        "INSERT INTO credit_transactions (user_id, delta, reason, session_id) VALUES (?, -1, 'session_start', ?)",
        user,
        session);

    Sql.asService(c, tx -> Sql.update(tx, "DELETE FROM sessions WHERE id = ?", session));

    assertThat(
            Sql.count(
                c,
                "SELECT count(*) FROM credit_transactions WHERE user_id = ? AND reason = 'session_start' AND session_id IS NULL",
                user))
        .isEqualTo(1);
    assertThat(Sql.count(c, "SELECT credits FROM profiles WHERE user_id = ?", user)).isEqualTo(2);
  }

  interface Attempt {
    void run(int i) throws Exception;
  }

  /** Starts n attempts at once; returns the SQLSTATE of each one that failed. */
  private static List<String> runConcurrently(int n, Attempt attempt) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Callable<String> task =
            () -> {
              ready.countDown();
              go.await();
              try {
                attempt.run(index);
                return null;
              } catch (SQLException e) {
                return e.getSQLState();
              }
            };
        results.add(pool.submit(task));
      }
      ready.await();
      go.countDown();
      List<String> errors = new ArrayList<>();
      for (Future<String> f : results) {
        String state = f.get();
        if (state != null) {
          errors.add(state);
        }
      }
      return errors;
    } finally {
      pool.shutdownNow();
    }
  }
}
