package com.interviewroom.testkit;

import com.interviewroom.schema.DatabaseUrl;
import com.interviewroom.schema.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A fresh, fully migrated database per test class, in milliseconds.
 *
 * <p>The migrations run once into a template database named after a hash of the migration files
 * ({@code ir_template_<hash>}); each {@link #freshDatabaseUrl()} is then a file-level copy ({@code
 * CREATE DATABASE ir_t_<random> TEMPLATE ...}). Editing a migration changes the hash, so the next
 * run builds a new template instead of reusing a stale one.
 *
 * <p>The server is {@code TEST_DATABASE_URL} when set (CI: {@code
 * postgres://postgres@127.0.0.1:5432/postgres}; the user must be able to create databases and
 * roles), else an embedded PostgreSQL started once per JVM. Thread-safe; the template build is also
 * guarded by an advisory lock, so several JVMs (parallel module builds, other worktrees) sharing
 * one server never build the same template twice at once.
 */
public final class TestDatabase {

  private static final String MIGRATION_DIR = "db/migration";

  /** Arbitrary constant: the advisory lock key for template builds on a shared server. */
  private static final long TEMPLATE_LOCK_KEY = 0x1e57_da7aL;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Databases this JVM created and has not dropped yet; dropped at exit. */
  private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

  private static volatile DatabaseUrl base;
  private static volatile String template;

  private TestDatabase() {}

  /**
   * A URL to a new database with every migration applied (no problem bank: seed it when a test
   * needs it). BLOCKING.
   */
  public static String freshDatabaseUrl() {
    DatabaseUrl server = base();
    String name = "ir_t_" + HexFormat.of().formatHex(randomBytes(8));
    try (Connection c = connect(server);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " TEMPLATE " + template());
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    CREATED.add(name);
    return server.withDatabase(name).toUrl();
  }

  /**
   * Drops the database behind {@code url}, best-effort (open connections are terminated). BLOCKING.
   */
  public static void drop(String url) {
    String name = DatabaseUrl.parse(url).database();
    if (!name.startsWith("ir_t_")) {
      // never drop anything this class did not create
      return;
    }
    try (Connection c = connect(base());
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      CREATED.remove(name);
    } catch (SQLException | RuntimeException e) {
      // best-effort: a leftover test database is harmless
    }
  }

  /** The server that test databases live on (its maintenance database, e.g. {@code postgres}). */
  public static DatabaseUrl serverUrl() {
    return base();
  }

  private static DatabaseUrl base() {
    DatabaseUrl b = base;
    if (b == null) {
      synchronized (TestDatabase.class) {
        b = base;
        if (b == null) {
          String env = System.getenv("TEST_DATABASE_URL");
          b = env != null && !env.isBlank() ? DatabaseUrl.parse(env) : startEmbedded();
          base = b;
          DatabaseUrl server = b;
          Runtime.getRuntime()
              .addShutdownHook(new Thread(() -> dropLeftovers(server), "test-db-cleanup"));
        }
      }
    }
    return b;
  }

  private static DatabaseUrl startEmbedded() {
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setRegisterShutdownHook(true).start();
      return DatabaseUrl.parse("postgres://postgres@localhost:" + pg.getPort() + "/postgres");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start embedded PostgreSQL (set TEST_DATABASE_URL to use a server)", e);
    }
  }

  private static String template() {
    String t = template;
    if (t == null) {
      synchronized (TestDatabase.class) {
        t = template;
        if (t == null) {
          t = buildTemplate(base());
          template = t;
        }
      }
    }
    return t;
  }

  private static String buildTemplate(DatabaseUrl server) {
    String name = "ir_template_" + migrationsHash().substring(0, 16);
    try (Connection c = connect(server)) {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_lock(" + TEMPLATE_LOCK_KEY + ")");
      }
      try {
        if (!databaseExists(c, name)) {
          // Migrate under a temporary name and rename when done: a crash halfway leaves a
          // stray build database, never a half-migrated template.
          String building = "ir_tbuild_" + HexFormat.of().formatHex(randomBytes(6));
          try (Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + building);
          }
          try {
            Migrations.migrate(server.withDatabase(building).toUrl());
            try (Statement st = c.createStatement()) {
              st.execute("ALTER DATABASE " + building + " RENAME TO " + name);
            }
          } catch (RuntimeException | SQLException e) {
            try (Statement st = c.createStatement()) {
              st.execute("DROP DATABASE IF EXISTS " + building + " WITH (FORCE)");
            }
            throw e;
          }
        }
      } finally {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_unlock(" + TEMPLATE_LOCK_KEY + ")");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not build the test template database " + name, e);
    }
    return name;
  }

  private static boolean databaseExists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** SHA-256 over every migration file's name and bytes, in name order. */
  static String migrationsHash() {
    TreeMap<String, byte[]> files = migrationFiles();
    if (files.isEmpty()) {
      throw new IllegalStateException("no migrations found under classpath:" + MIGRATION_DIR);
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      files.forEach(
          (fileName, bytes) -> {
            sha.update(fileName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(bytes);
          });
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads the migration files from a directory (IDE, reactor build) or a jar (installed artifact).
   */
  private static TreeMap<String, byte[]> migrationFiles() {
    TreeMap<String, byte[]> files = new TreeMap<>();
    try {
      Enumeration<URL> roots = TestDatabase.class.getClassLoader().getResources(MIGRATION_DIR);
      while (roots.hasMoreElements()) {
        URL root = roots.nextElement();
        if ("file".equals(root.getProtocol())) {
          Path dir = Paths.get(root.toURI());
          List<Path> sqls = new ArrayList<>();
          try (var stream = Files.list(dir)) {
            stream.filter(p -> p.toString().endsWith(".sql")).forEach(sqls::add);
          }
          for (Path p : sqls) {
            files.put(p.getFileName().toString(), Files.readAllBytes(p));
          }
        } else if ("jar".equals(root.getProtocol())) {
          JarURLConnection conn = (JarURLConnection) root.openConnection();
          conn.setUseCaches(false);
          try (JarFile jar = conn.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
              JarEntry e = entries.nextElement();
              if (e.getName().startsWith(MIGRATION_DIR + "/") && e.getName().endsWith(".sql")) {
                try (InputStream in = jar.getInputStream(e)) {
                  files.put(e.getName().substring(MIGRATION_DIR.length() + 1), in.readAllBytes());
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return files;
  }

  private static void dropLeftovers(DatabaseUrl server) {
    for (String name : Set.copyOf(CREATED)) {
      drop(server.withDatabase(name).toUrl());
    }
  }

  private static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
