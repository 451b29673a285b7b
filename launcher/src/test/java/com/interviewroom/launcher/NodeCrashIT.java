package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.auth.Legal;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.TestAuthLimits;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Machines die mid-interview. The system as production deploys it, each process group a JVM of the
 * packaged jar on loopback: an edge, two realtime nodes, two workers and the sandbox runner,
 * sharing Postgres, Redis, the object store and the data directory's signing key. A candidate talks
 * with the simulated interviewer on one realtime node; that node is killed with {@code kill -9};
 * the client does what the web app does on an abnormal close (a fresh token, then the other node)
 * and the interview goes on where it was. Then the sandbox runner is killed mid-run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeCrashIT {
  private static final Duration START_WITHIN = Duration.ofSeconds(180);

  /** The bar: the candidate is back on a live node within 5 s of the crash. */
  private static final long RECONNECT_WITHIN_MS = 5_000;

  /**
   * Quicker start-up on a shared 2-core machine; what is tested (crash recovery) does not depend on
   * the JIT or GC.
   */
  private static final String[] JVM = {"-Xmx512m", "-XX:TieredStopAtLevel=1"};

  /**
   * What the simulated interviewer says first on a reconnect, when the stored transcript reached
   * it.
   */
  private static final List<String> WELCOME_BACK = List.of("we're back", "connection dropped");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<JarProcess> processes = new ArrayList<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private String databaseUrl;
  private Database db;
  private JarProcess realtimeA;
  private JarProcess realtimeB;
  private JarProcess sandbox;

  @TempDir static Path work;

  @BeforeAll
  void startTheSystem() throws Exception {
    databaseUrl = TestDatabase.freshDatabaseUrl();
    String redisUrl = TestRedis.isolatedUrl();
    for (String port : List.of("edge", "edge-internal", "realtime-a", "realtime-b", "sandbox")) {
      ports.put(port, FreePort.find());
    }
    Map<String, String> shared =
        new HashMap<>(
            Map.of(
                "DATA_DIR",
                work.resolve("data").toString(),
                "DATABASE_URL",
                databaseUrl,
                "REDIS_URL",
                redisUrl,
                "PUBLIC_BASE_URL",
                "http://localhost:" + ports.get("edge"),
                "INTERNAL_WEBHOOK_SECRET",
                secret(),
                "SANDBOX_TOKEN",
                secret(),
                "SANDBOX_URL",
                "http://127.0.0.1:" + ports.get("sandbox"),
                "INTERNAL_HOST",
                "127.0.0.1",
                "INTERNAL_PORT",
                String.valueOf(ports.get("edge-internal"))));
    shared.putAll(TestAuthLimits.RAISED);

    sandbox =
        start(
            "sandbox",
            shared,
            Map.of(
                "ROLE",
                "sandbox",
                "SANDBOX_PORT",
                String.valueOf(ports.get("sandbox")),
                "PORT",
                String.valueOf(FreePort.find())));
    JarProcess edge =
        start("edge", shared, Map.of("ROLE", "edge", "PORT", String.valueOf(ports.get("edge"))));
    // the edge starts the embedded object store; the other groups use it, as they would share S3
    String s3 = edge.awaitLogLine("embedded s3 started", START_WITHIN).getString("endpoint");
    shared.put("S3_ENDPOINT", s3);
    realtimeA = start("realtime-a", shared, realtime(ports.get("realtime-a")));
    realtimeB = start("realtime-b", shared, realtime(ports.get("realtime-b")));
    start("worker-1", shared, worker());
    start("worker-2", shared, worker());

    sandbox.awaitHealthy(ports.get("sandbox"), "/health", START_WITHIN);
    edge.awaitHealthy(ports.get("edge"), "/health/ready", START_WITHIN);
    realtimeA.awaitHealthy(ports.get("realtime-a"), "/health", START_WITHIN);
    realtimeB.awaitHealthy(ports.get("realtime-b"), "/health", START_WITHIN);
    db = Database.connect(vertx, databaseUrl, 2);
  }

  private static Map<String, String> realtime(int port) {
    return Map.of("ROLE", "realtime", "PORT", String.valueOf(port));
  }

  private static Map<String, String> worker() {
    return Map.of("ROLE", "worker", "PORT", String.valueOf(FreePort.find()));
  }

  private JarProcess start(String name, Map<String, String> shared, Map<String, String> own)
      throws Exception {
    Map<String, String> env = new HashMap<>(shared);
    env.putAll(own);
    JarProcess process = JarProcess.start(name, work, env, JVM);
    processes.add(process);
    return process;
  }

  @AfterAll
  void stopTheSystem() throws Exception {
    for (JarProcess process : processes) {
      process.close();
    }
    if (db != null) {
      db.close().await();
    }
    vertx.close().await();
    if (databaseUrl != null) {
      TestDatabase.drop(databaseUrl);
    }
  }

  @Test
  @Order(1)
  @DisplayName(
      "kill -9 of the realtime node mid-interview: back on the other node within 5 s with the timer running on, the code intact, the interviewer resumed from the stored transcript, no acknowledged line lost, nothing refunded or errored")
  void realtimeNodeCrash() throws Exception {
    String bearer = signUp();
    JsonObject start = startSession(bearer);
    String sessionId = start.getString("sessionId");
    String code =
        "def twoSum(nums, target):\n    seen = {}\n    for i, n in enumerate(nums):\n        pass\n";

    CandidateSocket first =
        CandidateSocket.open(http, ports.get("realtime-a"), start.getString("wsToken"));
    JsonObject ready = first.next("session.ready");
    long readyAt = System.nanoTime();
    long remainingAtReady = ready.getLong("remainingMs");
    List<String> acknowledged = new ArrayList<>();
    acknowledged.add(nextFinal(first, "assistant").getString("itemId")); // the opening line
    first.send(
        new JsonObject().put("type", "code_edit").put("code", code).put("language", "python"));
    first.send(new JsonObject().put("type", "session.ping"));
    first.next("pong"); // frames are handled in order: the edit is through the gateway
    speak(first, 1_200);
    acknowledged.add(nextFinal(first, "user").getString("itemId"));

    // the moment the client is told the candidate's turn is final, the node dies
    realtimeA.crash();
    long crashedAt = System.nanoTime();
    assertThat(first.closed().get(10, TimeUnit.SECONDS))
        .as("the dead node's socket")
        .isEqualTo(CandidateSocket.ABNORMAL);

    String token = realtimeToken(bearer, sessionId);
    CandidateSocket second = CandidateSocket.open(http, ports.get("realtime-b"), token);
    JsonObject resumed = second.next("session.ready");
    long backAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
    System.out.printf("NodeCrashIT: back on the other node %d ms after kill -9%n", backAfterMs);
    assertThat(backAfterMs)
        .as("back on a live node after the crash")
        .isLessThanOrEqualTo(RECONNECT_WITHIN_MS);
    assertThat(resumed.getString("sessionId")).isEqualTo(sessionId);
    assertThat(resumed.getString("code")).as("the code, from Redis").isEqualTo(code);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readyAt);
    assertThat(resumed.getLong("remainingMs"))
        .as("the timer went on from the deadline in Redis, not from the start")
        .isBetween(remainingAtReady - elapsedMs - 2_000, remainingAtReady - elapsedMs + 2_000);
    String welcome = nextFinal(second, "assistant").getString("text");
    assertThat(WELCOME_BACK.stream().anyMatch(welcome::contains))
        .as("the interviewer on the new node got the stored transcript: \"%s\"", welcome)
        .isTrue();

    Row session =
        one(
            "SELECT status, credit_refunded, end_reason FROM sessions WHERE id = $1",
            UUID.fromString(sessionId));
    assertThat(session.getString("status")).isEqualTo("active");
    assertThat(session.getBoolean("credit_refunded")).isFalse();
    assertThat(
            one(
                    "SELECT count(*)::int AS n FROM credit_transactions WHERE session_id = $1 AND reason = 'refund'",
                    UUID.fromString(sessionId))
                .getInteger("n"))
        .isZero();
    List<String> stored =
        column("SELECT item_id FROM transcripts WHERE session_id = $1", UUID.fromString(sessionId));
    assertThat(stored)
        .as("every line the client was told is final, stored before the crash")
        .containsAll(acknowledged);

    second.send(new JsonObject().put("type", "session.end"));
    assertThat(second.next("session.ended").getString("reason")).isEqualTo("ended_by_user");
    CandidateSocket.assertClosedWith(second, 1000);
    assertThat(
            one("SELECT status FROM sessions WHERE id = $1", UUID.fromString(sessionId))
                .getString("status"))
        .isEqualTo("completed");
    assertThat(
            one(
                    "SELECT code FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final'",
                    UUID.fromString(sessionId))
                .getString("code"))
        .isEqualTo(code);
  }

  @Test
  @Order(2)
  @DisplayName(
      "kill -9 of the sandbox runner mid-run: the run answers 503 sandbox_unavailable, the socket stays up and the session stays active")
  void sandboxCrashMidRun() throws Exception {
    String bearer = signUp();
    JsonObject start = startSession(bearer);
    String sessionId = start.getString("sessionId");
    try (CandidateSocket socket =
        CandidateSocket.open(http, ports.get("realtime-b"), start.getString("wsToken"))) {
      socket.next("session.ready");
      JsonObject run =
          new JsonObject()
              .put("code", "while True:\n    pass\n")
              .put("language", "python")
              .put("mode", "run");
      CompletableFuture<HttpResponse<String>> running =
          http.sendAsync(
              request("POST", "/api/sessions/" + sessionId + "/execute", bearer, run).build(),
              HttpResponse.BodyHandlers.ofString());
      Thread.sleep(1_500); // the busy loop is running in the sandbox
      assertThat(running).as("the busy loop still runs").isNotDone();
      sandbox.crash();

      HttpResponse<String> answer = running.get(30, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(new JsonObject(answer.body()).getString("code")).isEqualTo("sandbox_unavailable");
      assertThat(answer.headers().firstValue("Retry-After")).isPresent();

      socket.send(new JsonObject().put("type", "session.ping"));
      socket.next("pong");
      assertThat(socket.closed()).as("the interview goes on").isNotDone();
      assertThat(
              one("SELECT status FROM sessions WHERE id = $1", UUID.fromString(sessionId))
                  .getString("status"))
          .isEqualTo("active");
    }
  }

  // ---- the candidate ----

  /**
   * Talks for {@code ms} (a loud tone, as the fake microphone plays), then 800 ms of silence, in
   * real time.
   */
  private static void speak(CandidateSocket socket, long ms) throws InterruptedException {
    for (long at = 0; at < ms + 800; at += 100) {
      byte[] chunk = new byte[4_800];
      if (at < ms) {
        for (int i = 0; i < 2_400; i++) {
          short sample = (short) (12_000 * Math.sin(2 * Math.PI * 440 * i / 24_000.0));
          chunk[2 * i] = (byte) sample;
          chunk[2 * i + 1] = (byte) (sample >> 8);
        }
      }
      socket.sendAudio(chunk);
      Thread.sleep(100);
    }
  }

  private static JsonObject nextFinal(CandidateSocket socket, String role)
      throws InterruptedException {
    return socket.next(
        m ->
            "transcript".equals(m.getString("type"))
                && role.equals(m.getString("role"))
                && Boolean.TRUE.equals(m.getBoolean("final")),
        "a final " + role + " transcript");
  }

  private String signUp() throws Exception {
    HttpResponse<String> signup =
        send(
            "POST",
            "/api/auth/signup",
            null,
            new JsonObject()
                .put("email", "crash-" + UUID.randomUUID() + "@example.com")
                .put("password", "crash-password-123")
                .put("termsVersion", Legal.TERMS_VERSION));
    assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
    return new JsonObject(signup.body()).getString("accessToken");
  }

  private JsonObject startSession(String bearer) throws Exception {
    HttpResponse<String> started =
        send(
            "POST",
            "/api/sessions/start",
            bearer,
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    return new JsonObject(started.body());
  }

  private String realtimeToken(String bearer, String sessionId) throws Exception {
    HttpResponse<String> token =
        send("POST", "/api/realtime/token", bearer, new JsonObject().put("sessionId", sessionId));
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    return new JsonObject(token.body()).getString("token");
  }

  // ---- plumbing ----

  private HttpResponse<String> send(String method, String path, String bearer, JsonObject body)
      throws Exception {
    return http.send(
        request(method, path, bearer, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String method, String path, String bearer, JsonObject body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("edge") + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return request;
  }

  private Row one(String sql, Object... params) {
    return db.pool()
        .preparedQuery(sql)
        .execute(Tuple.from(params))
        .map(rows -> rows.iterator().next())
        .toCompletionStage()
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }

  private List<String> column(String sql, Object... params) {
    Future<List<String>> values =
        db.pool()
            .preparedQuery(sql)
            .execute(Tuple.from(params))
            .map(
                rows -> {
                  List<String> out = new ArrayList<>();
                  rows.forEach(r -> out.add(r.getString(0)));
                  return out;
                });
    return values.toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private static String secret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
