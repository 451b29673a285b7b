package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each deploy role, started the way {@code fly.toml}'s process groups start it: {@code ROLE=x} as a
 * program argument (see {@link Main}). Redis is embedded per test so no worker here can take stream
 * entries of another test JVM sharing the machine's Redis.
 */
class RolesTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port = FreePort.find();
  private final int sandboxPort = FreePort.find();
  private String databaseUrl;

  @TempDir Path dataDir;

  @AfterEach
  void dropDatabase() {
    if (databaseUrl != null) {
      TestDatabase.drop(databaseUrl);
    }
  }

  private Config config(String roleArgument, boolean withDatabase) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "DATA_DIR", dataDir.toString(),
                "PORT", String.valueOf(port),
                "INTERNAL_PORT", String.valueOf(FreePort.find()),
                "SANDBOX_PORT", String.valueOf(sandboxPort)));
    if (withDatabase) {
      databaseUrl = TestDatabase.freshDatabaseUrl();
      env.put("DATABASE_URL", databaseUrl);
    }
    return Config.from(env, roleArgument);
  }

  private int status(int onPort, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + onPort + path)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  @DisplayName("every fly.toml process group's command parses as the role it is named after")
  void flyProcessGroupsPickTheirRole() throws Exception {
    String fly = java.nio.file.Files.readString(Path.of("..", "fly.toml"));
    String processes = fly.substring(fly.indexOf("[processes]"), fly.indexOf("[http_service]"));
    java.util.regex.Matcher group =
        java.util.regex.Pattern.compile("(?m)^\\s*(\\w+) = \"([^\"]*)\"").matcher(processes);
    int groups = 0;
    while (group.find()) {
      Config parsed = Config.from(Map.of(), group.group(2).split(" "));
      assertThat(parsed.role().name()).as(group.group(1)).isEqualToIgnoringCase(group.group(1));
      if (parsed.role().name().equalsIgnoreCase("edge")) {
        assertThat(parsed.sandbox().url())
            .as("the edge reaches the sandbox group")
            .contains("sandbox.process.");
      }
      groups++;
    }
    assertThat(groups).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "fly.toml keeps one proxied machine always running (a WebSocket server must not auto-stop) on the PORT of its [env]")
  void flyHttpServiceNeverAutoStops() throws Exception {
    String fly = java.nio.file.Files.readString(Path.of("..", "fly.toml"));
    String http = tomlTable(fly, "http_service");
    assertThat(tomlValue(http, "min_machines_running")).isEqualTo("1");
    assertThat(tomlValue(http, "auto_stop_machines")).isEqualTo("\"off\"");
    String envPort = tomlValue(tomlTable(fly, "env"), "PORT").replace("\"", "");
    assertThat(envPort).isEqualTo("8080");
    assertThat(tomlValue(http, "internal_port"))
        .as("internal_port matches PORT in [env]")
        .isEqualTo(envPort);
  }

  /** The key lines of one TOML table, up to the next table header (its sub-tables excluded). */
  private static String tomlTable(String toml, String name) {
    int start = toml.indexOf("\n[" + name + "]\n");
    assertThat(start).as("fly.toml has a [" + name + "] table").isNotNegative();
    java.util.regex.Matcher next = java.util.regex.Pattern.compile("(?m)^\\s*\\[").matcher(toml);
    int end = next.find(start + name.length() + 3) ? next.start() : toml.length();
    return toml.substring(start, end);
  }

  private static String tomlValue(String table, String key) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^\\s*" + key + "\\s*=\\s*(\\S+)\\s*$").matcher(table);
    assertThat(m.find()).as(key + " is set").isTrue();
    return m.group(1);
  }

  @Test
  @DisplayName(
      "ROLE=edge deploys the REST edge, its sweeper, the retention job, the Slack alert sender and the internal listener, and no workers or gateway")
  void edge() throws Exception {
    try (RunningSystem running = Launcher.start(config("ROLE=edge", true))) {
      assertThat(running.deployments())
          .containsOnlyKeys("edge", "session-sweeper", "retention", "slack-alerts", "internal");
      assertThat(status(port, "/health/ready")).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "ROLE=worker deploys only the stream consumer groups: observers, evaluators, and the failure detectors on the stream and its dead letters")
  void worker() throws Exception {
    try (RunningSystem running = Launcher.start(config("ROLE=worker", true))) {
      assertThat(running.deployments())
          .containsOnlyKeys(
              "observer-workers",
              "evaluator-workers",
              "failure-detectors:events",
              "failure-detectors:events.dlq");
    }
  }

  @Test
  @DisplayName(
      "ROLE=realtime deploys the WebSocket gateway on PORT with its own /health, which fly.toml checks")
  void realtime() throws Exception {
    try (RunningSystem running = Launcher.start(config("ROLE=realtime", true))) {
      assertThat(running.deployments()).containsOnlyKeys("realtime");
      assertThat(status(port, "/health")).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "ROLE=sandbox deploys only the sandbox runner: no database, Redis or S3, embedded or not")
  void sandbox() throws Exception {
    try (RunningSystem running = Launcher.start(config("ROLE=sandbox", false))) {
      assertThat(running.deployments()).containsOnlyKeys("sandbox");
      assertThat(running.embedded()).isEmpty();
      assertThat(status(sandboxPort, "/health")).isEqualTo(200);
      assertThat(status(sandboxPort, "/v1/runtimes"))
          .as("the API without the token")
          .isEqualTo(401);
    }
  }

  @Test
  @DisplayName(
      "ROLE=all whose SANDBOX_PORT is taken stops start-up naming SANDBOX_PORT, instead of running sessions that can run nothing")
  void takenSandboxPortStopsStartUp() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(sandboxPort, 1, java.net.InetAddress.getLoopbackAddress())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Launcher.start(config("ROLE=all", true)).close())
          .hasMessageContaining("SANDBOX_PORT");
    }
  }
}
