package com.interviewroom.schema;

import com.interviewroom.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationsTest {

    private static final String[] TABLES = {"users", "profiles", "problems", "test_cases", "problem_solutions", "sessions",
        "transcripts", "code_snapshots", "evaluations", "credit_transactions", "payments", "subscriptions",
        "stripe_events", "events"};

    private static String url;

    /** An empty database (no template), so the migrations run from nothing. */
    @BeforeAll
    static void createEmptyDatabase() throws SQLException {
        DatabaseUrl server = TestDatabase.serverUrl();
        String name = "ir_t_empty_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection c = Sql.open(server.toUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        url = server.withDatabase(name).toUrl();
    }

    @AfterAll
    static void dropDatabase() {
        TestDatabase.drop(url);
    }

    @Test
    @DisplayName("the migrations build the whole schema from an empty database, with RLS on every table, and a rerun is a no-op")
    void migratesFromEmpty() throws SQLException {
        Migrations.migrate(url);
        Migrations.migrate(url);

        try (Connection c = Sql.open(url)) {
            assertThat(Sql.count(c, "SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(
                Sql.count(c, "SELECT count(*) FROM flyway_schema_history"));
            assertThat(Sql.count(c, "SELECT count(*) FROM flyway_schema_history WHERE NOT success")).isZero();
            for (String table : TABLES) {
                assertThat(Sql.count(c, "SELECT count(*) FROM pg_class WHERE relname = ? AND relkind = 'r' AND relrowsecurity", table))
                    .as(table + " exists with row-level security enabled").isEqualTo(1);
            }
            assertThat(Sql.count(c, "SELECT count(*) FROM pg_roles WHERE rolname IN ('app_user', 'app_service') AND NOT rolcanlogin"))
                .isEqualTo(2);
        }
    }
}
