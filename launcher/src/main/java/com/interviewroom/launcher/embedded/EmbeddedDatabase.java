package com.interviewroom.launcher.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PostgreSQL from the zonky binaries, its cluster kept in {@code DATA_DIR/postgres} so a restart
 * keeps users and sessions. Listens on loopback only.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Blocking: runs initdb on first start, then the server. */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Path cluster = dataDir.resolve("postgres");
    Files.createDirectories(cluster);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(cluster)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200")
        .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
        .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
        .start();
    return new EmbeddedDatabase(postgres);
  }

  public String url() {
    return "postgres://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
