package com.interviewroom.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  @DisplayName(
      "a full postgres:// URL yields host, port, database, decoded credentials and sslmode")
  void parsesFullUrl() {
    DatabaseUrl url =
        DatabaseUrl.parse(
            "postgres://app:p%40ss%3Aword@db.example.com:6543/interview?sslmode=require");

    assertThat(url.host()).isEqualTo("db.example.com");
    assertThat(url.port()).isEqualTo(6543);
    assertThat(url.database()).isEqualTo("interview");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("p@ss:word");
    assertThat(url.sslMode()).isEqualTo("require");
    assertThat(url.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.example.com:6543/interview?sslmode=require");
  }

  @Test
  @DisplayName("postgresql:// without password or port defaults to 5432 and no password")
  void parsesMinimalUrl() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://postgres@127.0.0.1/postgres");

    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.password()).isNull();
    assertThat(url.toUrl()).isEqualTo("postgres://postgres@127.0.0.1:5432/postgres");
  }

  @Test
  @DisplayName("connect options carry the credentials, pipelining and a libpq-like sslmode")
  void connectOptions() {
    PgConnectOptions options =
        DatabaseUrl.parse("postgres://u:secret@h:1/d?sslmode=require").connectOptions();

    assertThat(options.getHost()).isEqualTo("h");
    assertThat(options.getPort()).isEqualTo(1);
    assertThat(options.getDatabase()).isEqualTo("d");
    assertThat(options.getUser()).isEqualTo("u");
    assertThat(options.getPassword()).isEqualTo("secret");
    assertThat(options.getSslMode()).isEqualTo(SslMode.REQUIRE);
    assertThat(options.getPipeliningLimit()).isGreaterThan(1);
  }

  @Test
  @DisplayName(
      "withDatabase keeps server, credentials and parameters and round-trips through toUrl")
  void withDatabaseRoundTrips() {
    DatabaseUrl url =
        DatabaseUrl.parse("postgres://u:s%20x@h:5/a?sslmode=disable&application_name=ir");
    DatabaseUrl other = url.withDatabase("b");

    assertThat(other.database()).isEqualTo("b");
    assertThat(DatabaseUrl.parse(other.toUrl())).isEqualTo(other);
    assertThat(DatabaseUrl.parse(other.toUrl()).password()).isEqualTo("s x");
    assertThat(other.toUrl()).contains("sslmode=disable").contains("application_name=ir");
  }

  @Test
  @DisplayName("toString never shows the password")
  void toStringHidesPassword() {
    assertThat(DatabaseUrl.parse("postgres://u:topsecret@h/d").toString())
        .doesNotContain("topsecret")
        .contains("***");
  }

  @Test
  @DisplayName("a non-postgres scheme is refused without echoing the URL")
  void refusesOtherSchemes() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:topsecret@h/d"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("topsecret");
  }
}
