package com.interviewroom.launcher.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;

/**
 * PostgreSQL from the zonky binaries, its cluster kept in {@code DATA_DIR/postgres} so a restart
 * keeps users and sessions. Listens on loopback only.
 *
 * <p><b>Durable.</b> zonky's defaults are for throw-away test clusters: it starts the server with
 * {@code -F} (fsync off) and {@code synchronous_commit=off}, so a commit is answered before its WAL
 * reaches the disk and a {@code kill -9} loses acknowledged writes (Stripe credits, snapshots).
 * Here both are switched back on (a later {@code -c} wins over {@code -F}), with full-page writes,
 * so a write answered 2xx survives a crash of the server ({@code EmbeddedDatabaseCrashTest}).
 *
 * <p><b>Password.</b> zonky's initdb trusts every local connection as any user, superuser included.
 * The superuser gets a generated password kept in {@code DATA_DIR/keys/postgres-password}, and
 * {@code pg_hba.conf} requires it (scram-sha-256) on every connection. A cluster made by an older
 * version (trust) is converted on its first start with this one: its data stays.
 */
public final class EmbeddedDatabase implements EmbeddedChild {
  /** The settings that make a commit durable, all switched on. */
  static final List<String> DURABLE = List.of("fsync", "synchronous_commit", "full_page_writes");

  /** zonky's in-JVM lock on the cluster; postmaster.pid already keeps a second server out. */
  private static final String ZONKY_LOCK = "epg-lock";

  static final String SUPERUSER = "postgres";

  /**
   * First line of a {@code pg_hba.conf} written by us: the cluster already requires the password.
   */
  static final String HBA_MARKER = "# interviewroom: passwords required";

  private volatile EmbeddedPostgres postgres;
  private final Path cluster;
  private final int port;
  private final String password;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path cluster, int port, String password) {
    this.postgres = postgres;
    this.cluster = cluster;
    this.port = port;
    this.password = password;
  }

  /**
   * Blocking: runs initdb on first start, then the server; requires the generated password from
   * then on.
   */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Path cluster = dataDir.resolve("postgres");
    Files.createDirectories(cluster);
    String password = SecretFile.loadOrCreate(dataDir.resolve("keys/postgres-password"));
    EmbeddedPostgres server = server(cluster, port, password);
    requirePassword(cluster, port, password);
    return new EmbeddedDatabase(server, cluster, port, password);
  }

  /**
   * A fresh or older cluster trusts local connections: set the superuser's password, then let
   * {@code pg_hba.conf} accept only scram-sha-256 logins, and reload.
   */
  static void requirePassword(Path cluster, int port, String password) throws IOException {
    Path hba = cluster.resolve("pg_hba.conf");
    if (Files.exists(hba) && Files.readString(hba).startsWith(HBA_MARKER)) {
      return;
    }
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", SUPERUSER, password);
        Statement st = c.createStatement()) {
      st.execute("SET password_encryption = 'scram-sha-256'");
      // hex only (SecretFile), so it cannot break out of the literal
      st.execute("ALTER ROLE " + SUPERUSER + " WITH PASSWORD '" + password + "'");
      Files.writeString(
          hba,
          HBA_MARKER
              + " (the superuser's is DATA_DIR/keys/postgres-password)\n"
              + "local all all scram-sha-256\n"
              + "host  all all 127.0.0.1/32 scram-sha-256\n"
              + "host  all all ::1/128 scram-sha-256\n");
      st.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw new IOException(
          "could not require a password on the embedded Postgres in " + cluster, e);
    }
  }

  private static EmbeddedPostgres server(Path cluster, int port, String password)
      throws IOException {
    // a failed start inside zonky keeps its lock on this file for the life of the JVM; a fresh file
    // (new inode) lets the next attempt lock again
    Files.deleteIfExists(cluster.resolve(ZONKY_LOCK));
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(cluster)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "200")
            .setConnectConfig("password", password)
            .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
            .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
    for (String setting : DURABLE) {
      builder.setServerConfig(setting, "on");
    }
    return builder.start();
  }

  /** With the password: never log it. */
  public String url() {
    return "postgres://" + SUPERUSER + ":" + password + "@127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  @Override
  public String name() {
    return "postgres";
  }

  /** The postmaster named in {@code postmaster.pid} is running (a paused one counts as running). */
  @Override
  public boolean alive() {
    OptionalLong pid = postmasterPid();
    return pid.isPresent()
        && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Same cluster, same port: the pool's next connection reaches it. Crash recovery replays the WAL.
   */
  @Override
  public synchronized void restart() throws IOException {
    try {
      postgres.close();
    } catch (IOException | RuntimeException ignored) {
      // the server is gone already; close only releases zonky's lock
    }
    postgres = server(cluster, port, password);
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
      return lines.isEmpty()
          ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
