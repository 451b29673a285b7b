package com.interviewroom.schema;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A libpq-style connection URL ({@code postgres://user:pass@host:port/db?sslmode=require}), the one
 * format DATABASE_URL uses everywhere (Fly, Heroku, Supabase), turned into what each client needs:
 * Vert.x {@link PgConnectOptions} for the application and a JDBC URL for Flyway.
 *
 * <p>{@link #toString()} hides the password so the value can be logged; {@link #toUrl()} does not.
 */
public final class DatabaseUrl {

  private static final int DEFAULT_PORT = 5432;

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;

  /** Query parameters in their original order (sslmode, application_name, ...). */
  private final Map<String, String> params;

  private DatabaseUrl(
      String host,
      int port,
      String database,
      String user,
      String password,
      Map<String, String> params) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /**
   * Parses {@code postgres://} or {@code postgresql://} URLs; user, password and port are optional.
   */
  public static DatabaseUrl parse(String url) {
    Objects.requireNonNull(url, "url");
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      // the message would echo the URL, password included
      throw new IllegalArgumentException("database URL is not a valid URI");
    }
    String scheme = uri.getScheme();
    if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
      throw new IllegalArgumentException(
          "database URL must start with postgres:// or postgresql://");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("database URL has no host");
    }
    String user = "postgres";
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    String path = uri.getRawPath();
    String database = path == null || path.length() <= 1 ? user : decode(path.substring(1));
    Map<String, String> params = new LinkedHashMap<>();
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        params.put(
            decode(eq < 0 ? pair : pair.substring(0, eq)),
            eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    return new DatabaseUrl(host, port, database, user, password, params);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  /** The password, or null when the URL has none (trust or peer auth). */
  public String password() {
    return password;
  }

  /** The sslmode parameter, or null when absent. */
  public String sslMode() {
    return params.get("sslmode");
  }

  /** The same server and credentials, another database (tests create one per class). */
  public DatabaseUrl withDatabase(String name) {
    return new DatabaseUrl(host, port, name, user, password, params);
  }

  public PgConnectOptions connectOptions() {
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(host)
            .setPort(port)
            .setDatabase(database)
            .setUser(user)
            .setPipeliningLimit(PgConnectOptions.DEFAULT_PIPELINING_LIMIT);
    if (password != null) {
      options.setPassword(password);
    }
    String appName = params.get("application_name");
    if (appName != null) {
      options.addProperty("application_name", appName);
    }
    String sslMode = sslMode();
    if (sslMode != null) {
      SslMode mode = SslMode.of(sslMode);
      options.setSslMode(mode);
      // libpq semantics: allow/prefer/require encrypt without verifying the certificate;
      // verify-ca/verify-full use the JVM trust store (hostname checked for verify-full only).
      switch (mode) {
        case ALLOW, PREFER, REQUIRE ->
            options.setSslOptions(
                new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm(""));
        case VERIFY_CA ->
            options.setSslOptions(new ClientSSLOptions().setHostnameVerificationAlgorithm(""));
        case VERIFY_FULL ->
            options.setSslOptions(new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS"));
        default -> {}
      }
    }
    return options;
  }

  /**
   * {@code jdbc:postgresql://host:port/db?...}; credentials are passed separately, never in the
   * URL.
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + encode(database) + query();
  }

  /** The full URL, password included: pass it on, never log it. */
  public String toUrl() {
    StringBuilder sb = new StringBuilder("postgres://").append(encode(user));
    if (password != null) {
      sb.append(':').append(encode(password));
    }
    return sb.append('@')
        .append(hostForUrl())
        .append(':')
        .append(port)
        .append('/')
        .append(encode(database))
        .append(query())
        .toString();
  }

  @Override
  public String toString() {
    return "postgres://"
        + encode(user)
        + (password != null ? ":***" : "")
        + "@"
        + hostForUrl()
        + ":"
        + port
        + "/"
        + encode(database)
        + query();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatabaseUrl other && toUrl().equals(other.toUrl());
  }

  @Override
  public int hashCode() {
    return toUrl().hashCode();
  }

  private String hostForUrl() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private String query() {
    if (params.isEmpty()) {
      return "";
    }
    return params.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&", "?", ""));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
