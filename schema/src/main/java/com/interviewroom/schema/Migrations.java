package com.interviewroom.schema;

import org.flywaydb.core.Flyway;

/**
 * Applies the versioned SQL migrations in {@code classpath:db/migration}.
 *
 * <p>BLOCKING (JDBC + Flyway): call it from a worker thread, a virtual-thread verticle or {@code
 * vertx.executeBlocking}, never from an event loop.
 */
public final class Migrations {

  public static final String LOCATION = "classpath:db/migration";

  private Migrations() {}

  /** Migrates the database named by the URL to the latest version (a no-op when it is current). */
  public static void migrate(String databaseUrl) {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations(LOCATION)
        // the SQL uses $$-quoted plpgsql; nothing in it is a Flyway placeholder
        .placeholderReplacement(false)
        // an edited, already-applied migration must fail loudly rather than drift silently
        .validateOnMigrate(true)
        .load()
        .migrate();
  }
}
