package com.interviewroom.launcher;

import static com.interviewroom.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.launcher.embedded.EmbeddedDatabase;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.launcher.faults.ProcessFaults;
import com.interviewroom.launcher.faults.WebhookLoad;
import com.interviewroom.schema.DatabaseUrl;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Postgres and Redis (children this test owns, never the machine's shared servers)
 * killed and paused under load: 503 with Retry-After during the outage, never 500, no call waiting
 * past the configured timeouts, the launcher restarting what died, recovery after, and every write
 * answered 2xx still there at the end.
 */
class OutageFaultTest {
  private static final int QUERY_TIMEOUT_MS = 1_500;
  private static final int ACQUIRE_TIMEOUT_MS = 1_000;
  private static final int REDIS_TIMEOUT_MS = 1_000;

  /**
   * A paused dependency must end a call within its timeouts plus this margin (scheduling on a busy
   * machine).
   */
  private static final long MARGIN_MS = 2_000;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dataDir;

  private Config config(int port) {
    Map<String, String> env = WebhookLoad.edgeEnv(dataDir, port);
    env.putAll(
        Map.of(
            "DB_QUERY_TIMEOUT_MS", String.valueOf(QUERY_TIMEOUT_MS),
            "DB_ACQUIRE_TIMEOUT_MS", String.valueOf(ACQUIRE_TIMEOUT_MS),
            "REDIS_TIMEOUT_MS", String.valueOf(REDIS_TIMEOUT_MS)));
    return Config.from(env);
  }

  @Test
  @DisplayName(
      "Postgres and Redis killed and paused under load: 503 with Retry-After, bounded waits, restart, recovery, no acknowledged write lost")
  void outagesUnderLoad() throws Exception {
    int port = FreePort.find();
    try (RunningSystem running = Launcher.start(config(port))) {
      String bearer = signup(port);
      String sessionId = startSession(port, bearer);
      activate(running.config().databaseUrl(), sessionId);
      WebhookLoad webhooks = new WebhookLoad(port, 6);
      SnapshotLoad snapshots = new SnapshotLoad(port, bearer, sessionId, 4);
      try {
        eventually("webhooks answered 200 before any fault", () -> webhooks.count(200) > 20);
        eventually("snapshots answered 201 before any fault", () -> snapshots.count(201) > 0);

        // 1. Postgres crashes: 503 with Retry-After (no 500), restarted by the launcher, 200 again
        webhooks.resetCounts();
        ProcessFaults.killTree(postmaster());
        eventually("a 503 while Postgres is down", () -> webhooks.count(503) > 0);
        awaitRecovery("Postgres was down", webhooks);
        // the pool may reconnect a moment before the restart has finished its own readiness check
        eventually(
            "Postgres restarted once",
            () -> running.embeddedRestarts().getOrDefault("postgres", 0) == 1);

        // 2. Postgres paused: calls end within the acquire/query timeouts with 503, then recover
        webhooks.resetCounts();
        long paused = postmaster();
        ProcessFaults.pauseTree(paused, true);
        try {
          Thread.sleep(QUERY_TIMEOUT_MS + ACQUIRE_TIMEOUT_MS + 2_000);
          assertThat(webhooks.count(503))
              .as("503s while Postgres is paused " + webhooks.statuses())
              .isPositive();
          assertThat(webhooks.count(-1))
              .as("calls left without an answer " + webhooks.statuses())
              .isZero();
          assertThat(webhooks.slowestMillis())
              .as("slowest call while paused")
              .isLessThan(QUERY_TIMEOUT_MS + ACQUIRE_TIMEOUT_MS + MARGIN_MS);
        } finally {
          ProcessFaults.pauseTree(paused, false);
        }
        awaitRecovery("Postgres was paused", webhooks);
        assertThat(running.embeddedRestarts())
            .as("a paused child is not restarted")
            .containsEntry("postgres", 1);

        // 3. Redis crashes: the snapshot route (it claims its window in Redis) answers 503, Redis
        // is restarted
        snapshots.resetCounts();
        ProcessFaults.killTree(redisPid());
        eventually("a 503 while Redis is down", () -> snapshots.count(503) > 0);
        eventually(
            "Redis restarted", () -> running.embeddedRestarts().getOrDefault("redis", 0) == 1);
        assertThat(snapshots.count(500))
            .as("500s while Redis was down " + snapshots.statuses())
            .isZero();
        snapshots.resetCounts();
        eventually(
            "snapshots answered 201 or 429 again",
            () -> snapshots.count(201) + snapshots.count(429) > 0);

        // 4. Redis paused: calls end within the Redis timeout with 503, then recover
        snapshots.resetCounts();
        long redis = redisPid();
        ProcessFaults.pauseTree(redis, true);
        try {
          Thread.sleep(2 * REDIS_TIMEOUT_MS + 3_000);
          assertThat(snapshots.count(503))
              .as("503s while Redis is paused " + snapshots.statuses())
              .isPositive();
          // the rate limiter's count (fails open after the timeout), then the snapshot's own window
          // claim
          assertThat(snapshots.slowestMillis()).isLessThan(2 * REDIS_TIMEOUT_MS + MARGIN_MS);
        } finally {
          ProcessFaults.pauseTree(redis, false);
        }
        assertThat(snapshots.count(500))
            .as("500s while Redis was paused " + snapshots.statuses())
            .isZero();
        snapshots.resetCounts();
        eventually(
            "snapshots answered again after the pause",
            () -> snapshots.count(201) + snapshots.count(429) > 0);
        assertThat(running.embeddedRestarts())
            .as("a paused child is not restarted")
            .containsEntry("redis", 1);
      } finally {
        webhooks.close();
        snapshots.close();
      }

      // nothing answered 2xx is lost
      Set<String> acknowledged = webhooks.acknowledged();
      Set<String> lost = new HashSet<>(acknowledged);
      lost.removeAll(
          EmbeddedDatabaseCrashTest.storedEvents(running.config().databaseUrl(), acknowledged));
      assertThat(lost)
          .as("webhooks answered 200 but not stored, of " + acknowledged.size())
          .isEmpty();
      assertThat(storedSnapshots(running.config().databaseUrl(), sessionId))
          .isGreaterThanOrEqualTo(snapshots.acknowledged());
    }
  }

  private long postmaster() {
    return EmbeddedDatabase.postmasterPid(dataDir.resolve("postgres")).orElseThrow();
  }

  private long redisPid() throws Exception {
    return Long.parseLong(Files.readString(dataDir.resolve("redis/redis.pid")).trim());
  }

  /** No 500 and a Retry-After on every 503 so far; then 200s again. */
  private static void awaitRecovery(String outage, WebhookLoad load) {
    assertThat(load.count(500)).as("500s while " + outage + " " + load.statuses()).isZero();
    assertThat(load.unavailableWithoutRetryAfter())
        .as("503s without Retry-After while " + outage)
        .isZero();
    assertThat(load.retryAfterValues())
        .as("Retry-After while " + outage)
        .isNotEmpty()
        .containsOnly("5");
    load.resetCounts();
    eventually("webhooks answered 200 again", () -> load.count(200) > 5);
  }

  private String signup(int port) throws Exception {
    HttpResponse<String> signup =
        post(
            port,
            "/api/auth/signup",
            null,
            new JsonObject()
                .put("email", "fault-" + UUID.randomUUID() + "@example.com")
                .put("password", "fault-password-123")
                .put("termsVersion", Legal.TERMS_VERSION));
    assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
    return new JsonObject(signup.body()).getString("accessToken");
  }

  private String startSession(int port, String bearer) throws Exception {
    HttpResponse<String> started =
        post(
            port,
            "/api/sessions/start",
            bearer,
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    return new JsonObject(started.body()).getString("sessionId");
  }

  private HttpResponse<String> post(int port, String path, String bearer, JsonObject body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * What the WebSocket's first connect does (this edge-only process has no gateway): the session
   * becomes active.
   */
  private static void activate(String databaseUrl, String sessionId) throws Exception {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE sessions SET status = 'active', started_at = now(), updated_at = now(), "
                    + "deadline_at = now() + interval '1 hour' WHERE id = ?::uuid AND status = 'scheduled'")) {
      ps.setString(1, sessionId);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private static int storedSnapshots(String databaseUrl, String sessionId) throws Exception {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM code_snapshots WHERE session_id = ?::uuid AND snapshot_type = 'auto'")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Automatic snapshots of one session: each passes the rate limiter (counted in Redis, fails open)
   * and claims its 10 s window in Redis (429 inside a window) before it is stored.
   */
  private final class SnapshotLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger acknowledged =
        new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong slowest =
        new java.util.concurrent.atomic.AtomicLong();
    private final java.util.List<Thread> threads;

    SnapshotLoad(int port, String bearer, String sessionId, int callers) {
      threads =
          java.util.stream.IntStream.range(0, callers)
              .mapToObj(
                  i ->
                      Thread.ofPlatform()
                          .daemon()
                          .start(
                              () -> {
                                while (running.get()) {
                                  long started = System.nanoTime();
                                  int status;
                                  try {
                                    status =
                                        post(
                                                port,
                                                "/api/sessions/" + sessionId + "/code",
                                                bearer,
                                                new JsonObject()
                                                    .put(
                                                        "code",
                                                        "print("
                                                            + UUID.randomUUID().hashCode()
                                                            + ")")
                                                    .put("language", "python")
                                                    .put("snapshotType", "auto")
                                                    .put("timestampMs", 1000))
                                            .statusCode();
                                  } catch (Exception e) {
                                    status = -1;
                                  }
                                  if (status == 201) {
                                    acknowledged.incrementAndGet();
                                  }
                                  statuses.merge(status, 1, Integer::sum);
                                  slowest.accumulateAndGet(
                                      (System.nanoTime() - started) / 1_000_000, Math::max);
                                  try {
                                    // dense enough to meet the second or so Redis is down before
                                    // the launcher restarts it;
                                    // past the general rate limit (60 a minute) the answer is a 429
                                    // counted in Redis, which
                                    // is Redis answering too
                                    Thread.sleep(100);
                                  } catch (InterruptedException e) {
                                    return;
                                  }
                                }
                              }))
              .toList();
    }

    int count(int status) {
      return statuses.getOrDefault(status, 0);
    }

    Map<Integer, Integer> statuses() {
      return Map.copyOf(statuses);
    }

    long slowestMillis() {
      return slowest.get();
    }

    int acknowledged() {
      return acknowledged.get();
    }

    void resetCounts() {
      statuses.clear();
      slowest.set(0);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(35_000);
      }
    }
  }
}
