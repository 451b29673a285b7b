package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.testkit.TestDatabase;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infra/deploy/health-gate.sh}, the deploy workflow's post-deploy gate, run against a system
 * started here (ROLE=all: the edge's readiness and the gateway's {@code /ws} on one port), then
 * against the same port once it is down, and against a server that answers but is not ready.
 */
class HealthGateTest {
  private static final Path GATE =
      Path.of("..", "infra", "deploy", "health-gate.sh").toAbsolutePath().normalize();
  private final int port = FreePort.find();
  private String databaseUrl;

  @TempDir Path dataDir;

  @AfterEach
  void dropDatabase() {
    if (databaseUrl != null) {
      TestDatabase.drop(databaseUrl);
    }
  }

  record Result(int exit, String output) {}

  private static final Path FLY_GATE = GATE.resolveSibling("fly-gate.sh");

  /**
   * A `flyctl machine list --json` answer: one started machine per group, the private ones with a
   * check in {@code privateCheck}.
   */
  private static String machines(String privateCheck, String... groups) {
    StringBuilder json = new StringBuilder("[");
    for (String group : groups) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append("{\"id\":\"m-")
          .append(group)
          .append("\",\"state\":\"started\",\"config\":{\"metadata\":{\"fly_process_group\":\"")
          .append(group)
          .append("\"}},\"checks\":[{\"name\":\"alive\",\"status\":\"")
          .append(group.equals("sandbox") || group.equals("worker") ? privateCheck : "passing")
          .append("\"}]}");
    }
    return json.append(']').toString();
  }

  private Result flyGate(int timeoutSeconds, String appUrl, String machinesJson) throws Exception {
    Path file = dataDir.resolve("machines-" + System.nanoTime() + ".json");
    java.nio.file.Files.writeString(file, machinesJson);
    return run(timeoutSeconds, List.of(FLY_GATE.toString(), appUrl, file.toString()));
  }

  private static Result gate(int timeoutSeconds, String... checks) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(GATE.toString()));
    command.addAll(List.of(checks));
    return run(timeoutSeconds, command);
  }

  private static Result run(int timeoutSeconds, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("GATE_TIMEOUT_SECONDS", String.valueOf(timeoutSeconds));
    builder.environment().put("GATE_INTERVAL_SECONDS", "1");
    builder.environment().put("GATE_REQUEST_SECONDS", "2");
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(timeoutSeconds + 30L, TimeUnit.SECONDS))
        .as("the gate finishes")
        .isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  @DisplayName(
      "the gate passes against a running system (readiness, liveness, a 101 WebSocket handshake) and fails once it is down")
  void passesWhenUpFailsWhenDown() throws Exception {
    databaseUrl = TestDatabase.freshDatabaseUrl();
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "DATA_DIR",
                dataDir.toString(),
                "PORT",
                String.valueOf(port),
                "INTERNAL_PORT",
                String.valueOf(FreePort.find()),
                "SANDBOX_PORT",
                String.valueOf(FreePort.find()),
                "DATABASE_URL",
                databaseUrl));
    String base = "http://127.0.0.1:" + port;
    String[] checks = {
      "ready:" + base + "/health/ready",
      "live:" + base + "/health",
      "ws:ws://127.0.0.1:" + port + "/ws"
    };
    try (RunningSystem running = Launcher.start(Config.from(env, "ROLE=all"))) {
      Result up = gate(30, checks);
      assertThat(up.exit()).as(up.output()).isZero();
      assertThat(up.output()).contains("health gate passed: 3 checks");

      // the workflow's gate over Fly's machine list: edge readiness, realtime liveness + handshake,
      // private groups' checks
      Result fly = flyGate(30, base, machines("passing", "edge", "realtime", "worker", "sandbox"));
      assertThat(fly.exit()).as(fly.output()).isZero();
      assertThat(fly.output()).contains("health gate passed: 3 checks");
      Result sandboxFailing =
          flyGate(30, base, machines("critical", "edge", "realtime", "worker", "sandbox"));
      assertThat(sandboxFailing.exit()).isEqualTo(1);
      assertThat(sandboxFailing.output())
          .contains("sandbox m-sandbox: checks not passing: alive=critical");
      Result noWorker = flyGate(30, base, machines("passing", "edge", "realtime", "sandbox"));
      assertThat(noWorker.exit()).isEqualTo(1);
      assertThat(noWorker.output()).contains("worker: no started machine");
    }
    Result down = gate(3, checks);
    assertThat(down.exit()).as(down.output()).isEqualTo(1);
    assertThat(down.output())
        .contains("health gate FAILED")
        .contains("ready " + base + "/health/ready: HTTP")
        .contains("ws http://127.0.0.1:" + port + "/ws");
  }

  @Test
  @DisplayName(
      "a 503 readiness or a /ws that does not upgrade fails the gate; @machine reaches the server as fly-force-instance-id")
  void notReadyFailsAndMachinesAreTargeted() throws Exception {
    List<String> machines = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String machine = exchange.getRequestHeaders().getFirst("fly-force-instance-id");
          if (machine != null) {
            machines.add(machine);
          }
          boolean ready = exchange.getRequestURI().getPath().equals("/health");
          byte[] body =
              (ready ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      Result live = gate(3, "live:" + base + "/health@machine-e1");
      assertThat(live.exit()).as(live.output()).isZero();
      assertThat(machines).contains("machine-e1");

      Result notReady =
          gate(
              2,
              "live:" + base + "/health",
              "ready:" + base + "/health/ready",
              "ws:ws://127.0.0.1:" + server.getAddress().getPort() + "/health");
      assertThat(notReady.exit()).isEqualTo(1);
      assertThat(notReady.output())
          .contains("ready " + base + "/health/ready: HTTP 503")
          .contains("/health: HTTP 200, not 101")
          .doesNotContain("live " + base);

      Result usage = gate(1, "nonsense");
      assertThat(usage.exit()).isEqualTo(2);
    } finally {
      server.stop(0);
    }
  }
}
