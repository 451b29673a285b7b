package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.interviewroom.common.auth.LocalIssuer;
import com.interviewroom.common.auth.SigningKey;
import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.config.Config;
import com.interviewroom.schema.Database;
import com.interviewroom.testkit.Await;
import com.interviewroom.testkit.Eventually;
import com.interviewroom.testkit.TestDatabase;
import com.interviewroom.testkit.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real Postgres (a fresh migrated database) and the test Redis, gateways on port 0 with chosen
 * settings (several per test when a test needs two nodes), and rows inserted with SQL.
 */
final class Fixture implements AutoCloseable {
  static final String ISSUER = "http://localhost:test";

  /** The listener settings of an unconfigured deployment (HTTP_* defaults). */
  static final Config.Resilience SETTINGS = Config.from(Map.of()).resilience();

  final Vertx vertx = Vertx.vertx();
  final String databaseUrl = TestDatabase.freshDatabaseUrl();
  final Database db = Database.connect(vertx, databaseUrl, 8);

  /**
   * Each gateway's signal subscription holds one pooled connection for good: room for several
   * nodes.
   */
  final Redis redis =
      Redis.createClient(
          vertx, new RedisOptions().setConnectionString(TestRedis.url()).setMaxPoolSize(24));

  final SigningKey key = SigningKey.generate();
  final TokenIssuer issuer = new TokenIssuer(key, ISSUER, Clock.systemUTC());
  final TokenVerifier verifier =
      new TokenVerifier(List.of(new LocalIssuer(ISSUER, key)), Clock.systemUTC());
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final UUID problemId;
  private final List<RealtimeGateway> gateways = new ArrayList<>();

  /** One gateway and the server it is attached to. */
  record Node(RealtimeGateway gateway, int port) {}

  Fixture() {
    problemId =
        one(
                """
        INSERT INTO problems (slug, title, difficulty, category, description, function_signature, duration_minutes)
        VALUES ($1, 'Two Sum', 'easy', 'arrays', 'Find two numbers.', '{"name":"f","params":[],"returns":"int"}', 30)
        RETURNING id""",
                Tuple.of("two-sum-" + UUID.randomUUID()))
            .getUUID(0);
  }

  Node node(GatewaySettings settings, com.interviewroom.realtime.voice.VoiceSessionFactory voice) {
    RealtimeGateway gateway =
        new RealtimeGateway(vertx, verifier, db, redis, voice, meters, Clock.systemUTC(), settings);
    gateways.add(gateway);
    RealtimeVerticle verticle = new RealtimeVerticle(gateway, 0, SETTINGS);
    await(vertx.deployVerticle(verticle));
    return new Node(gateway, verticle.actualPort());
  }

  UUID user() {
    return one(
            "INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id",
            Tuple.of("u-" + UUID.randomUUID() + "@example.com"))
        .getUUID(0);
  }

  UUID scheduledSession(UUID userId) {
    return one(
            "INSERT INTO sessions (user_id, problem_id, language) VALUES ($1, $2, 'python') RETURNING id",
            Tuple.of(userId, problemId))
        .getUUID(0);
  }

  /** An active session whose deadline is {@code remainingMs} away (short test durations). */
  UUID activeSession(UUID userId, long remainingMs) {
    return one(
            """
        INSERT INTO sessions (user_id, problem_id, language, status, started_at, deadline_at)
        VALUES ($1, $2, 'python', 'active', now(), now() + make_interval(secs => $3)) RETURNING id""",
            Tuple.of(userId, problemId, remainingMs / 1000.0))
        .getUUID(0);
  }

  String token(UUID userId, UUID sessionId) {
    return issuer.realtimeToken(userId, sessionId);
  }

  /** A new user's scheduled session and a browser's raw socket on it. */
  record Opened(UUID session, RawSocket socket) {}

  /**
   * A new user's scheduled session, and a browser's raw socket to {@code at} that got {@code
   * session.ready}.
   */
  Opened ready(Node at) throws IOException {
    UUID user = user();
    UUID session = scheduledSession(user);
    RawSocket socket = RawSocket.browser(at.port(), token(user, session));
    assertTrue(socket.awaitText("session.ready", Duration.ofSeconds(15)));
    return new Opened(session, socket);
  }

  Row one(String sql, Tuple args) {
    return await(db.pool().preparedQuery(sql).execute(args)).iterator().next();
  }

  List<Row> rows(String sql, Tuple args) {
    List<Row> rows = new ArrayList<>();
    await(db.pool().preparedQuery(sql).execute(args)).forEach(rows::add);
    return rows;
  }

  Response redis(Request request) {
    return await(redis.send(request));
  }

  /** Keys under {@code session:{id}:}. */
  List<String> sessionKeys(UUID sessionId) {
    List<String> keys = new ArrayList<>();
    Response found = redis(Request.cmd(Command.KEYS).arg("session:" + sessionId + ":*"));
    found.forEach(k -> keys.add(k.toString()));
    return keys;
  }

  /**
   * Entries of the {@code events} stream for one session, newest last: {@code [type, data, userId,
   * requestId]}.
   */
  List<String[]> events(UUID sessionId) {
    Response entries =
        redis(
            Request.cmd(Command.XREVRANGE).arg("events").arg("+").arg("-").arg("COUNT").arg(5000));
    List<String[]> found = new ArrayList<>();
    for (Response entry : entries) {
      Response fields = entry.get(1);
      String type = null;
      String session = null;
      String data = null;
      String user = null;
      String request = null;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        switch (fields.get(i).toString()) {
          case "type" -> type = fields.get(i + 1).toString();
          case "sessionId" -> session = fields.get(i + 1).toString();
          case "data" -> data = fields.get(i + 1).toString();
          case "userId" -> user = fields.get(i + 1).toString();
          case "requestId" -> request = fields.get(i + 1).toString();
          default -> {}
        }
      }
      if (sessionId.toString().equals(session)) {
        found.addFirst(new String[] {type, data, user, request});
      }
    }
    return found;
  }

  /**
   * The session's one event of {@code type}, checked to carry the session's user and a request id.
   */
  String[] event(UUID sessionId, String type, UUID userId) {
    List<String[]> matching = events(sessionId).stream().filter(e -> e[0].equals(type)).toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one " + type + " entry, found " + matching.size());
    }
    String[] entry = matching.getFirst();
    if (!userId.toString().equals(entry[2])) {
      throw new AssertionError(type + " carries userId " + entry[2] + ", not " + userId);
    }
    if (entry[3] == null || entry[3].isBlank()) {
      throw new AssertionError(type + " carries no requestId");
    }
    return entry;
  }

  /** The one test {@link Await#await}, under the name the gateway tests call. */
  static <T> T await(Future<T> future) {
    return Await.await(future);
  }

  /** The one test {@link Eventually#eventually}, under the name the gateway tests call. */
  static void eventually(String what, java.util.function.BooleanSupplier condition) {
    Eventually.eventually(what, condition);
  }

  @Override
  public void close() {
    try {
      for (RealtimeGateway gateway : gateways) {
        await(gateway.close());
      }
      await(vertx.close());
    } finally {
      TestDatabase.drop(databaseUrl);
    }
  }
}
