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
public final class EmbeddedDatabase implements EmbeddedChild {
  /** The settings that make a commit durable, all switched on. */
  static final List<String> DURABLE = List.of("fsync", "synchronous_commit", "full_page_writes");

  /** zonky's in-JVM lock on the cluster; postmaster.pid already keeps a second server out. */
  private static final String ZONKY_LOCK = "epg-lock";

  private volatile EmbeddedPostgres postgres;
  private final Path cluster;
  private final int port;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path cluster, int port) {
    this.postgres = postgres;
    this.cluster = cluster;
    this.port = port;
  }

  /** Blocking: runs initdb on first start, then the server. */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Path cluster = dataDir.resolve("postgres");
    Files.createDirectories(cluster);
    return new EmbeddedDatabase(server(cluster, port), cluster, port);
  }

  private static EmbeddedPostgres server(Path cluster, int port) throws IOException {
    // a failed start inside zonky keeps its lock on this file for the life of the JVM; a fresh file
    // (new inode) lets the next attempt lock again
    Files.deleteIfExists(cluster.resolve(ZONKY_LOCK));
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
    return builder.start();
  }

  public String url() {
    return "postgres://postgres@127.0.0.1:" + port + "/postgres";
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
    return pid.isPresent() && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Same cluster, same port: the pool's next connection reaches it. Crash recovery replays the WAL. */
  @Override
  public synchronized void restart() throws IOException {
    try {
      postgres.close();
    } catch (IOException | RuntimeException ignored) {
      // the server is gone already; close only releases zonky's lock
    }
    postgres = server(cluster, port);
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
