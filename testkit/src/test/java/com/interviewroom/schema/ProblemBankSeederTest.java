package com.interviewroom.schema;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The seeder and {@link Database}'s role switching, through the Vert.x client. */
class ProblemBankSeederTest {

  private static Vertx vertx;
  private static String url;
  private static Database db;
  private static ProblemBank bank;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.freshDatabaseUrl();
    db = Database.connect(vertx, url, 4);
    bank = ProblemBank.load();
  }

  @AfterAll
  static void tearDown() throws Exception {
    await(db.close());
    await(vertx.close());
    TestDatabase.drop(url);
  }

  @Test
  @DisplayName("seeding twice writes every problem, test and solution once")
  void seedingIsIdempotent() throws Exception {
    long tests = bank.problems().stream().mapToLong(p -> p.tests().size()).sum();
    long solutions = bank.problems().stream().mapToLong(p -> p.solutions().size()).sum();

    assertThat(await(ProblemBankSeeder.seed(db, bank))).isEqualTo(bank.size());
    List<Long> first = counts();
    assertThat(await(ProblemBankSeeder.seed(db, bank))).isEqualTo(bank.size());
    List<Long> second = counts();

    assertThat(first).containsExactly((long) bank.size(), tests, solutions);
    assertThat(second).isEqualTo(first);
  }

  @Test
  @DisplayName("an edited problem file replaces its tests and updates its row in place")
  void reseedingReplaces() throws Exception {
    await(ProblemBankSeeder.seed(db, bank));
    Problem original = bank.bySlug("two-sum").orElseThrow();
    Problem edited =
        new Problem(
            original.slug(),
            "Two Sum (edited)",
            original.difficulty(),
            original.category(),
            original.durationMinutes(),
            original.description(),
            original.constraints(),
            original.function(),
            original.compare(),
            original.starterCode(),
            Map.of("python", "pass"),
            original.tests().subList(0, 3),
            original.inputGenerator());

    await(ProblemBankSeeder.seed(db, ProblemBank.of(List.of(edited))));

    try (Connection c = Sql.open(url)) {
      UUID id = Sql.id(c, "SELECT id FROM problems WHERE slug = 'two-sum'");
      assertThat(
              Sql.count(
                  c,
                  "SELECT count(*) FROM problems WHERE slug = 'two-sum' AND title = 'Two Sum (edited)'"))
          .isEqualTo(1);
      assertThat(Sql.count(c, "SELECT count(*) FROM test_cases WHERE problem_id = ?", id))
          .isEqualTo(3);
      assertThat(Sql.count(c, "SELECT count(*) FROM problem_solutions WHERE problem_id = ?", id))
          .isEqualTo(1);
    }
    await(ProblemBankSeeder.seed(db, bank));
  }

  @Test
  @DisplayName(
      "asUser runs as app_user with app.user_id set; asService as app_service; neither leaks past the transaction")
  void roleSwitching() throws Exception {
    await(ProblemBankSeeder.seed(db, bank));
    UUID user;
    try (Connection c = Sql.open(url)) {
      user = Fixtures.user(c, "vertx@example.com");
    }

    Row asUser =
        await(
            db.asUser(
                user,
                conn ->
                    conn.query(
                            "SELECT current_user AS role, current_setting('app.user_id') AS uid, "
                                + "(SELECT count(*) FROM test_cases) AS visible_tests, (SELECT count(*) FROM profiles) AS profiles")
                        .execute()
                        .map(rs -> rs.iterator().next())));
    Row asService =
        await(
            db.asService(
                conn ->
                    conn.query(
                            "SELECT current_user AS role, (SELECT count(*) FROM test_cases) AS visible_tests")
                        .execute()
                        .map(rs -> rs.iterator().next())));
    Row afterwards =
        await(
            db.pool()
                .query("SELECT current_user AS role, current_setting('app.user_id', true) AS uid")
                .execute()
                .map(rs -> rs.iterator().next()));

    long examples = bank.problems().stream().mapToLong(p -> p.exampleTests().size()).sum();
    long all = bank.problems().stream().mapToLong(p -> p.tests().size()).sum();
    assertThat(asUser.getString("role")).isEqualTo("app_user");
    assertThat(asUser.getString("uid")).isEqualTo(user.toString());
    assertThat(asUser.getLong("visible_tests")).isEqualTo(examples);
    assertThat(asUser.getLong("profiles")).isEqualTo(1);
    assertThat(asService.getString("role")).isEqualTo("app_service");
    assertThat(asService.getLong("visible_tests")).isEqualTo(all);
    assertThat(afterwards.getString("role")).isNotIn("app_user", "app_service");
    assertThat(afterwards.getString("uid")).isNullOrEmpty();
  }

  @Test
  @DisplayName(
      "the catalog pool runs as app_user without a user: public problems and examples only, no solutions, no user rows")
  void catalogPoolSeesOnlyPublicRows() throws Exception {
    await(ProblemBankSeeder.seed(db, bank));
    try (Connection c = Sql.open(url)) {
      Fixtures.user(c, "catalog@example.com");
    }

    Row catalog =
        await(
            db.catalog()
                .query(
                    "SELECT current_user AS role, current_setting('app.user_id', true) AS uid, "
                        + "(SELECT count(*) FROM problems) AS problems, (SELECT count(*) FROM test_cases) AS visible_tests, "
                        + "(SELECT count(*) FROM profiles) AS profiles")
                .execute()
                .map(rs -> rs.iterator().next()));
    Throwable solutions =
        awaitFailure(db.catalog().query("SELECT count(*) FROM problem_solutions").execute());

    long examples = bank.problems().stream().mapToLong(p -> p.exampleTests().size()).sum();
    assertThat(catalog.getString("role")).isEqualTo("app_user");
    assertThat(catalog.getString("uid")).isNullOrEmpty();
    assertThat(catalog.getLong("problems")).isEqualTo(bank.size());
    assertThat(catalog.getLong("visible_tests")).isEqualTo(examples);
    assertThat(catalog.getLong("profiles")).isZero();
    assertThat(solutions).hasMessageContaining("permission denied");
  }

  private static Throwable awaitFailure(Future<?> future) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .handle((ok, failure) -> failure)
        .get(30, TimeUnit.SECONDS);
  }

  private static List<Long> counts() throws SQLException {
    try (Connection c = Sql.open(url)) {
      return List.of(
          Sql.count(c, "SELECT count(*) FROM problems"),
          Sql.count(c, "SELECT count(*) FROM test_cases"),
          Sql.count(c, "SELECT count(*) FROM problem_solutions"));
    }
  }
}
