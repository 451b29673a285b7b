package com.interviewroom.edge;

import com.interviewroom.common.auth.JwksIssuer;
import com.interviewroom.common.auth.LocalIssuer;
import com.interviewroom.common.auth.SigningKey;
import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.auth.TrustedIssuer;
import com.interviewroom.common.config.Config;
import com.interviewroom.common.observability.Observability;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.Await;
import com.interviewroom.testkit.TestAuthLimits;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The edge API on port 0 over a fresh migrated database and the test Redis: what every edge test
 * talks to, through a real socket.
 */
public final class EdgeServer implements AutoCloseable {
  public static final String ISSUER = "http://localhost:test";
  public final Vertx vertx;
  public final Database db;
  public final Redis redis;
  public final TokenIssuer issuer;
  public final WebClient client;
  public final EdgeContext context;
  public final String databaseUrl;

  /** The started verticle's router: what is really mounted. */
  public final Router router;

  private final int port;

  private EdgeServer(
      Vertx vertx,
      Database db,
      Redis redis,
      TokenIssuer issuer,
      EdgeContext context,
      String databaseUrl,
      Router router,
      int port) {
    this.vertx = vertx;
    this.db = db;
    this.redis = redis;
    this.issuer = issuer;
    this.context = context;
    this.databaseUrl = databaseUrl;
    this.router = router;
    this.port = port;
    this.client =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  public static EdgeServer start() {
    return start(Map.of());
  }

  public static EdgeServer start(Map<String, String> env) {
    return start(env, TestRedis.url());
  }

  public static EdgeServer start(Map<String, String> env, String redisUrl) {
    String databaseUrl = TestDatabase.freshDatabaseUrl();
    Map<String, String> all = new HashMap<>(env);
    all.put("PORT", "0");
    all.put("INTERNAL_PORT", "0");
    all.put("DATABASE_URL", databaseUrl);
    all.put("REDIS_URL", redisUrl);
    all.putIfAbsent("PUBLIC_BASE_URL", "http://localhost:8080");
    TestAuthLimits.RAISED.forEach(all::putIfAbsent);
    Config config = Config.from(all);
    PrometheusMeterRegistry registry = Observability.newRegistry();
    Vertx vertx = Observability.vertx(registry);
    Database db = Database.connect(vertx, databaseUrl, 8);
    Redis redis = Redis.createClient(vertx, redisUrl);
    SigningKey key = SigningKey.generate();
    Clock clock = Clock.systemUTC();
    TokenIssuer issuer = new TokenIssuer(key, ISSUER, clock);
    List<TrustedIssuer> issuers = new ArrayList<>(List.of(new LocalIssuer(ISSUER, key)));
    if (config.auth().externalIssuer()) {
      issuers.add(
          new JwksIssuer(
              vertx,
              config.auth().jwksUrl(),
              config.auth().issuer(),
              config.auth().audience(),
              clock));
    }
    TokenVerifier verifier = new TokenVerifier(issuers, clock);
    // S3_ENDPOINT set: a real store client (readiness probes it); unset: no store
    ObjectStore store = config.embeddedS3() ? null : new ObjectStore(vertx, config.s3());
    EdgeContext context =
        new EdgeContext(config, db, redis, store, key, issuer, verifier, registry, clock);
    EdgeVerticle verticle = new EdgeVerticle(context);
    await(vertx.deployVerticle(verticle));
    return new EdgeServer(
        vertx, db, redis, issuer, context, databaseUrl, verticle.router(), verticle.actualPort());
  }

  public int port() {
    return port;
  }

  /** The one test {@link Await#await}, under the name the edge tests import. */
  public static <T> T await(Future<T> future) {
    return Await.await(future);
  }

  /** Signs up a fresh user through the API and returns {@code {accessToken, user}}. */
  public JsonObject signup() {
    String email = "user-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> response =
        await(
            client
                .post("/api/auth/signup")
                .sendJsonObject(credentials(email, "correct horse battery")));
    if (response.statusCode() != 201) {
      throw new IllegalStateException("signup failed: " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  /** A sign-up body: email, password and the current terms version. */
  public static JsonObject credentials(String email, String password) {
    return new JsonObject()
        .put("email", email)
        .put("password", password)
        .put("termsVersion", Legal.TERMS_VERSION);
  }

  public static String bearer(JsonObject session) {
    return "Bearer " + session.getString("accessToken");
  }

  @Override
  public void close() {
    try {
      client.close();
      if (context.store() != null) {
        context.store().close();
      }
      await(db.close());
      redis.close();
      await(vertx.close());
    } finally {
      TestDatabase.drop(databaseUrl);
    }
  }
}
