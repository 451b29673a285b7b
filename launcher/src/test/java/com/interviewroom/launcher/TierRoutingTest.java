package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.TestAuthLimits;
import com.interviewroom.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subscription's tier reaching the voice routing across roles: the edge settles it at session
 * start, the realtime gateway's own read ({@link PgSessionRecords#tier}) and {@link ProviderSelector}
 * (both providers configured) pick the order for that session.
 */
class TierRoutingTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ProviderSelector bothProviders = new ProviderSelector(true, true);

  @TempDir
  Path dataDir;

  private String databaseUrl;
  private RunningSystem running;
  private Database db;
  private int port;

  @BeforeEach
  void start() throws Exception {
    databaseUrl = TestDatabase.freshDatabaseUrl();
    port = FreePort.find();
    Map<String, String> env = new java.util.HashMap<>(TestAuthLimits.RAISED);
    env.putAll(Map.of(
        "DATA_DIR", dataDir.toString(),
        "DATABASE_URL", databaseUrl,
        "REDIS_URL", InterviewFlowTest.isolatedRedis(),
        "PORT", String.valueOf(port),
        "INTERNAL_PORT", String.valueOf(FreePort.find()),
        "SANDBOX_PORT", String.valueOf(FreePort.find())));
    running = Launcher.start(Config.from(env));
    db = Database.connect(running.vertx(), databaseUrl, 2);
  }

  @AfterEach
  void stop() {
    if (running != null) {
      try {
        await(db.close());
      } finally {
        running.close();
      }
    }
    TestDatabase.drop(databaseUrl);
  }

  @Test
  @DisplayName("an active subscriber's next session is routed OpenAI first; once a past_due grace has run out, the next one Gemini first")
  void routingFollowsTheSubscriptionAtTheNextStart() throws Exception {
    JsonObject signedUp = signup();
    String bearer = signedUp.getString("accessToken");
    UUID userId = UUID.fromString(signedUp.getJsonObject("user").getString("id"));
    assertThat(routing(userId)).containsExactly("gemini", "openai");

    sql("INSERT INTO subscriptions (user_id, stripe_subscription_id, plan, status) VALUES ($1, 'sub_routing', 'unlimited_monthly', 'active')",
        userId);
    assertThat(startSession(bearer).getBoolean("creditCharged")).isFalse();
    assertThat(routing(userId)).containsExactly("openai", "gemini");

    sql("UPDATE subscriptions SET status = 'past_due', past_due_since = now() - interval '8 days' WHERE user_id = $1", userId);
    assertThat(routing(userId)).as("nothing settled it yet").containsExactly("openai", "gemini");
    assertThat(startSession(bearer).getBoolean("creditCharged")).isTrue();
    assertThat(routing(userId)).containsExactly("gemini", "openai");
  }

  private List<String> routing(UUID userId) {
    return bothProviders.chain(await(new PgSessionRecords(db).tier(userId)));
  }

  private void sql(String statement, UUID userId) {
    await(db.asService(conn -> conn.preparedQuery(statement).execute(Tuple.of(userId))));
  }

  private JsonObject signup() throws Exception {
    HttpResponse<String> signup = post("/api/auth/signup", null, new JsonObject()
        .put("email", "tier-" + UUID.randomUUID() + "@example.com").put("password", "tier-password-123")
        .put("termsVersion", Legal.TERMS_VERSION));
    assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
    return new JsonObject(signup.body());
  }

  private JsonObject startSession(String bearer) throws Exception {
    HttpResponse<String> started = post("/api/sessions/start", bearer,
        new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    return new JsonObject(started.body());
  }

  private HttpResponse<String> post(String path, String bearer, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
