package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.schema.Database;
import com.interviewroom.schema.admin.AdminRepository;
import com.interviewroom.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code java -jar interviewroom.jar admin grant|revoke|list}, run against a real database. */
class AdminCommandTest {
  private String databaseUrl;
  private Vertx vertx;
  private Database db;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() {
    databaseUrl = TestDatabase.freshDatabaseUrl();
    vertx = Vertx.vertx();
    db = Database.connect(vertx, databaseUrl, 1);
  }

  @AfterEach
  void stop() {
    db.close().await();
    vertx.close().await();
    TestDatabase.drop(databaseUrl);
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return AdminCommand.run(
        args,
        Map.of("DATABASE_URL", databaseUrl),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private UUID user(String email) {
    return db.pool()
        .preparedQuery("INSERT INTO users (email) VALUES ($1) RETURNING id")
        .execute(Tuple.of(email))
        .await()
        .iterator()
        .next()
        .getUUID("id");
  }

  private boolean admin(UUID id) {
    return AdminRepository.isAdmin(db, id, Set.of()).await();
  }

  @Test
  @DisplayName(
      "grant gives an existing account the role, list shows it, revoke takes it away; each is idempotent")
  void grantListRevoke() {
    UUID id = user("ops@example.com");
    assertThat(admin(id)).isFalse();
    assertThat(run("grant", "OPS@example.com")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("granted the admin role to OPS@example.com");
    assertThat(admin(id)).isTrue();
    assertThat(run("grant", "ops@example.com")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("nothing to do");
    assertThat(run("list")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("ops@example.com\tgranted by cli");
    assertThat(run("revoke", "ops@example.com")).isZero();
    assertThat(admin(id)).isFalse();
    assertThat(run("revoke", "ops@example.com")).isZero();
  }

  @Test
  @DisplayName(
      "an unknown address fails with exit 1 and a hint; wrong usage prints the usage with exit 2")
  void mistakes() {
    assertThat(run("grant", "nobody@example.com")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("sign up first");
    assertThat(run("grant")).isEqualTo(2);
    assertThat(run("promote", "x@example.com")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("usage: java -jar interviewroom.jar admin grant <email>");
  }
}
