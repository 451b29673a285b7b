package com.interviewroom.edge.agents;

import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.internal.InternalVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The edge API plus its internal listener, a signing client for it, and session fixtures. */
public final class AgentsHarness implements AutoCloseable {
  public static final String SECRET = "test-internal-secret-0123456789abcdef-xyz";

  public final EdgeServer edge;
  public final InternalClient internal;
  public final int internalPort;

  public AgentsHarness(Map<String, String> env) {
    this(env, Evaluator.DEFAULT_MODEL_TIMEOUT_MS);
  }

  /** As above, with the evaluator's per-call model timeout. */
  public AgentsHarness(Map<String, String> env, long modelTimeoutMs) {
    Map<String, String> all = new HashMap<>(env);
    all.put("INTERNAL_WEBHOOK_SECRET", SECRET);
    edge = EdgeServer.start(all);
    InternalVerticle verticle = new InternalVerticle(edge.context, modelTimeoutMs);
    EdgeServer.await(edge.vertx.deployVerticle(verticle));
    internalPort = verticle.actualPort();
    internal =
        new InternalClient(
            edge.vertx, "http://127.0.0.1:" + internalPort, SECRET, Clock.systemUTC(), 30_000);
  }

  public InternalClient.Reply post(String path, JsonObject body) {
    return EdgeServer.await(internal.post(path, body, UUID.randomUUID().toString()));
  }

  /** A signed-up user; {@code user.id} and {@code accessToken}. */
  public JsonObject user() {
    return edge.signup();
  }

  public static UUID userId(JsonObject account) {
    return UUID.fromString(account.getJsonObject("user").getString("id"));
  }

  /** A completed 20-minute session on a fresh problem. */
  public UUID session(UUID userId) {
    return session(userId, null);
  }

  /** As {@link #session(UUID)}, on a problem with this {@code input_generator} (may be null). */
  public UUID session(UUID userId, JsonObject inputGenerator) {
    return EdgeServer.await(
        edge.db.asService(
            sql ->
                sql.preparedQuery(
                        """
            INSERT INTO problems (slug, title, difficulty, category, description, function_signature, duration_minutes, input_generator)
            VALUES ($1, 'Two Sum', 'easy', 'array', 'Return indices of two numbers adding up to target.',
                    '{"name":"twoSum","params":[{"name":"nums","type":"int[]"},{"name":"target","type":"int"}],"returns":"int[]"}'::jsonb,
                    45, $2)
            RETURNING id""")
                    .execute(Tuple.of("two-sum-" + UUID.randomUUID(), inputGenerator))
                    .compose(
                        problems ->
                            sql.preparedQuery(
                                    """
                INSERT INTO sessions (user_id, problem_id, status, language, started_at, ended_at)
                VALUES ($1, $2, 'completed', 'python', now() - interval '20 minutes', now()) RETURNING id""")
                                .execute(
                                    Tuple.of(userId, problems.iterator().next().getUUID("id"))))
                    .map(rows -> rows.iterator().next().getUUID("id"))));
  }

  public void turn(UUID sessionId, String itemId, String role, String text, int minutesIn) {
    EdgeServer.await(
        edge.db.asService(
            sql ->
                sql.preparedQuery(
                        """
            INSERT INTO transcripts (session_id, item_id, role, text, turn_started_at)
            VALUES ($1, $2, $3, $4, now() - interval '20 minutes' + make_interval(mins => $5))""")
                    .execute(Tuple.of(sessionId, itemId, role, text, minutesIn))));
  }

  /**
   * A snapshot; for {@code execution}, {@code hiddenPassed} of {@code hiddenTotal} hidden tests
   * pass.
   */
  public UUID snapshot(
      UUID sessionId, String type, String code, int hiddenPassed, int hiddenTotal, int minutesIn) {
    JsonObject result = null;
    if ("execution".equals(type)) {
      JsonArray tests =
          new JsonArray()
              .add(
                  new JsonObject()
                      .put("id", "ex1")
                      .put("hidden", false)
                      .put("passed", hiddenPassed == hiddenTotal));
      for (int i = 0; i < hiddenTotal; i++) {
        tests.add(
            new JsonObject()
                .put("id", "h" + i)
                .put("hidden", true)
                .put("passed", i < hiddenPassed));
      }
      result =
          new JsonObject()
              .put("verdict", hiddenPassed == hiddenTotal ? "accepted" : "wrong_answer")
              .put("tests", tests);
    }
    JsonObject execution = result;
    return EdgeServer.await(
        edge.db.asService(
            sql ->
                sql.preparedQuery(
                        """
            INSERT INTO code_snapshots (session_id, code, language, snapshot_type, execution_result, created_at)
            VALUES ($1, $2, 'python', $3, $4, now() - interval '20 minutes' + make_interval(mins => $5)) RETURNING id""")
                    .execute(Tuple.of(sessionId, code, type, execution, minutesIn))
                    .map(rows -> rows.iterator().next().getUUID("id"))));
  }

  public Future<Long> evaluationRows(UUID sessionId) {
    return edge.db.asService(
        sql ->
            sql.preparedQuery("SELECT count(*) FROM evaluations WHERE session_id = $1")
                .execute(Tuple.of(sessionId))
                .map(rows -> rows.iterator().next().getLong(0)));
  }

  @Override
  public void close() {
    internal.close();
    edge.close();
  }
}
