package com.interviewroom.launcher.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * PostgreSQL from the zonky binaries, its cluster kept in {@code DATA_DIR/postgres} so a restart
 * keeps users and sessions. Listens on loopback only.
 *
 * <p><b>Durable.</b> zonky's defaults are for throw-away test clusters: it starts the server with
 * {@code -F} (fsync off) and {@code synchronous_commit=off}, so a commit is answered before its WAL
 * reaches the disk and a {@code kill -9} loses acknowledged writes (Stripe credits, snapshots). Here
 * both are switched back on (a later {@code -c} wins over {@code -F}), with full-page writes, so a
 * write answered 2xx survives a crash of the server ({@code EmbeddedDatabaseCrashTest}).
 */
public final class EmbeddedDatabase implements AutoCloseable {
  /** The settings that make a commit durable, all switched on. */
  static final List<String> DURABLE = List.of("fsync", "synchronous_commit", "full_page_writes");

  private final EmbeddedPostgres postgres;
  private final Path cluster;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path cluster) {
    this.postgres = postgres;
    this.cluster = cluster;
  }

  /** Blocking: runs initdb on first start, then the server. */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Path cluster = dataDir.resolve("postgres");
    Files.createDirectories(cluster);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(cluster)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200")
        .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
        .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
    for (String setting : DURABLE) {
      builder.setServerConfig(setting, "on");
    }
    return new EmbeddedDatabase(builder.start(), cluster);
  }

  public String url() {
    return "postgres://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  public int port() {
    return postgres.getPort();
  }

  /** The cluster's directory ({@code DATA_DIR/postgres}). */
  public Path cluster() {
    return cluster;
  }

  /** The postmaster's pid from {@code postmaster.pid}, empty when the server is not running. */
  public OptionalLong postmasterPid() {
    return postmasterPid(cluster);
  }

  public static OptionalLong postmasterPid(Path cluster) {
    try {
      List<String> lines = Files.readAllLines(cluster.resolve("postmaster.pid"));
      return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
