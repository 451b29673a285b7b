package com.interviewroom.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CascadeDeleteTest extends DatabaseTest {

  private static UUID problem;

  @BeforeAll
  static void setUp() throws SQLException {
    problem = Fixtures.problem(c, "cascade-problem");
  }

  @Test
  @DisplayName(
      "a user deleting their own account leaves no row of theirs in any user table, and other users untouched")
  void accountDeletionCascades() throws SQLException {
    Fixtures.UserRows gone = Fixtures.userWithData(c, "gone@example.com", problem);
    Fixtures.UserRows kept = Fixtures.userWithData(c, "kept@example.com", problem);

    int deleted =
        Sql.asUser(
            c,
            gone.userId(),
            tx -> Sql.update(tx, "DELETE FROM users WHERE id = ?", gone.userId()));

    assertThat(deleted).isEqualTo(1);
    for (Fixtures.Owned table : Fixtures.USER_TABLES) {
      assertThat(Sql.count(c, table.countSql(), table.key(gone)))
          .as(table.table() + " rows of the deleted user")
          .isZero();
      assertThat(Sql.count(c, table.countSql(), table.key(kept)))
          .as(table.table() + " rows of the other user")
          .isPositive();
    }
    assertThat(
            Sql.count(
                c,
                "SELECT count(*) FROM credit_transactions WHERE payment_id = ? OR session_id = ?",
                gone.paymentId(),
                gone.sessionId()))
        .isZero();
  }

  @Test
  @DisplayName("a service-side delete of a user cascades the same way")
  void serviceDeletionCascades() throws SQLException {
    Fixtures.UserRows gone = Fixtures.userWithData(c, "gone2@example.com", problem);

    Sql.asService(c, tx -> Sql.update(tx, "DELETE FROM users WHERE id = ?", gone.userId()));

    for (Fixtures.Owned table : Fixtures.USER_TABLES) {
      assertThat(Sql.count(c, table.countSql(), table.key(gone))).as(table.table()).isZero();
    }
  }
}
