package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static com.interviewroom.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.cost.Kinds;
import com.interviewroom.common.cost.Metered;
import com.interviewroom.common.cost.PriceTable;
import com.interviewroom.schema.cost.CostLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cost ledger and the budget guard across the running system (real Postgres and Redis, the
 * launcher's wiring): a live OpenAI session is priced from its {@code response.done} usage, a day
 * of synthetic usage (with retried and duplicated writes) gives exactly the expected {@code costs}
 * rows, and once OpenAI's daily budget is reached the next session start goes to the local
 * interviewer while the running interview keeps its socket and its provider.
 */
class BudgetGuardTest extends SystemTest {
  private static final String KEY = "sk-test-budget-0123456789";
  private static final String ADMIN = "ops-budget@example.com";
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Vertx fakeVertx;
  private HttpServer fake;
  private final AtomicInteger responses = new AtomicInteger();
  private final List<String> handshakeProblems = new CopyOnWriteArrayList<>();

  @Override
  Map<String, String> extraEnv() {
    int fakePort = startFakeOpenAi();
    closedAfterTheSystem.add(() -> fakeVertx.close().await());
    return Map.of(
        "OPENAI_API_KEY",
        KEY,
        "OPENAI_REALTIME_URL",
        "ws://127.0.0.1:" + fakePort + "/v1/realtime",
        "BUDGET_DAILY_USD_OPENAI",
        "1.00",
        "BUDGET_REFRESH_SECONDS",
        "1",
        "ADMIN_EMAILS",
        ADMIN);
  }

  /**
   * The subset of the GA Realtime API a session start and its greeting use (openai-python {@code
   * types/realtime}: session.created, session.updated, response.created, response.done with {@code
   * RealtimeResponseUsage}); the full fake lives with the provider's own tests in realtime.
   */
  private int startFakeOpenAi() {
    fakeVertx = Vertx.vertx();
    fake =
        fakeVertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if ("/v1/models/gpt-realtime".equals(req.path())
                      && ("Bearer " + KEY).equals(req.getHeader("Authorization"))) {
                    // the readiness check's model lookup (GET /v1/models/{model}, openai-python
                    // types/model.py#Model)
                    req.response()
                        .putHeader("Content-Type", "application/json")
                        .end(
                            new JsonObject()
                                .put("id", "gpt-realtime")
                                .put("object", "model")
                                .put("created", 1_756_000_000L)
                                .put("owned_by", "system")
                                .encode());
                    return;
                  }
                  if (!("Bearer " + KEY).equals(req.getHeader("Authorization"))
                      || !"gpt-realtime".equals(req.getParam("model"))) {
                    handshakeProblems.add(req.uri());
                    req.response().setStatusCode(401).end();
                    return;
                  }
                  req.toWebSocket().onSuccess(this::serve);
                });
    return fake.listen(0, "127.0.0.1").await().actualPort();
  }

  private void serve(ServerWebSocket ws) {
    AtomicInteger events = new AtomicInteger();
    ws.writeTextMessage(
        new JsonObject()
            .put("type", "session.created")
            .put("event_id", "event_" + events.incrementAndGet())
            .put(
                "session",
                new JsonObject()
                    .put("type", "realtime")
                    .put("object", "realtime.session")
                    .put("id", "sess_" + UUID.randomUUID()))
            .encode());
    ws.textMessageHandler(
        text -> {
          JsonObject m = new JsonObject(text);
          switch (m.getString("type", "")) {
            case "session.update" ->
                ws.writeTextMessage(
                    new JsonObject()
                        .put("type", "session.updated")
                        .put("event_id", "event_" + events.incrementAndGet())
                        .put("session", m.getJsonObject("session"))
                        .encode());
            case "response.create" -> {
              String id =
                  "resp_"
                      + responses.incrementAndGet()
                      + "_"
                      + UUID.randomUUID().toString().substring(0, 8);
              JsonObject response =
                  new JsonObject()
                      .put("object", "realtime.response")
                      .put("id", id)
                      .put("output", new JsonArray());
              ws.writeTextMessage(
                  new JsonObject()
                      .put("type", "response.created")
                      .put("event_id", "event_" + events.incrementAndGet())
                      .put("response", response.copy().put("status", "in_progress"))
                      .encode());
              ws.writeTextMessage(
                  new JsonObject()
                      .put("type", "response.done")
                      .put("event_id", "event_" + events.incrementAndGet())
                      .put(
                          "response",
                          response
                              .copy()
                              .put("status", "completed")
                              .put(
                                  "usage",
                                  new JsonObject()
                                      .put("total_tokens", 1_300)
                                      .put("input_tokens", 1_000)
                                      .put("output_tokens", 300)
                                      .put(
                                          "input_token_details",
                                          new JsonObject()
                                              .put("text_tokens", 1_000)
                                              .put("audio_tokens", 0)
                                              .put("cached_tokens", 0))
                                      .put(
                                          "output_token_details",
                                          new JsonObject()
                                              .put("text_tokens", 100)
                                              .put("audio_tokens", 200))))
                      .encode());
            }
            default -> {} // appends, conversation items: nothing to answer for a greeting
          }
        });
  }

  @Test
  @DisplayName(
      "a day of synthetic usage gives the right costs rows; past OpenAI's budget the next session goes local and the running one goes on")
  void budgetSwitchesTheNextSessionStart() throws Exception {
    String bearer = api.signup("candidate").getString("accessToken");
    String admin = api.signupAs(ADMIN).getString("accessToken");

    // a live session: OpenAI, and its greeting's usage priced (1,000 text in ×4 + 100 text out ×16
    // + 200 audio out ×64 per million)
    UUID first = UUID.fromString(api.startSession(bearer).getString("sessionId"));
    WebSocket running1 = connect(api.realtimeToken(bearer, first.toString()));
    eventually("the first session on openai", () -> "openai".equals(provider(first)));
    eventually("the greeting priced", () -> entries(first) >= 1);
    Row greeting =
        one(
            "SELECT event_key, usd FROM cost_entries WHERE session_id = $1 ORDER BY id LIMIT 1",
            Tuple.of(first));
    assertThat(greeting.getString("event_key")).startsWith("voice:openai:resp_");
    assertThat(greeting.getBigDecimal("usd")).isEqualByComparingTo("0.0184");
    assertThat(metric("interviewroom_budget_exhausted{provider=\"openai\"}")).isEqualTo(0.0);

    // a day of synthetic usage: every write sent twice (a retry) and one duplicated provider event
    CostLedger ledger =
        new CostLedger(db, PriceTable.builtIn(), new SimpleMeterRegistry(), Clock.systemUTC());
    for (int hour = 0; hour < 24; hour++) {
      for (int attempt = 0; attempt < 2; attempt++) {
        // gpt-realtime: 1,000 audio in ×32 + 500 audio out ×64 per million = 0.064 an hour, 1.536 a
        // day
        record(
            ledger,
            "synthetic:openai:" + hour,
            first,
            Metered.ofCounts(
                "openai", "gpt-realtime", Map.of(Kinds.AUDIO_IN, 1_000L, Kinds.AUDIO_OUT, 500L)));
        // Gemini Live: 2,000 audio in ×3 + 1,000 audio out ×12 per million = 0.018 an hour
        record(
            ledger,
            "synthetic:gemini:" + hour,
            first,
            Metered.ofCounts(
                "gemini",
                "gemini-2.5-flash-native-audio-preview-12-2025",
                Map.of(Kinds.AUDIO_IN, 2_000L, Kinds.AUDIO_OUT, 1_000L)));
        // the evaluator: 5,000 input ×3 + 1,000 cache reads ×0.30 + 800 output ×15 per million =
        // 0.0273
        record(
            ledger,
            "synthetic:anthropic:" + hour,
            first,
            Metered.ofCounts(
                "anthropic",
                "claude-sonnet-4-6",
                Map.of(Kinds.INPUT, 5_000L, Kinds.CACHE_READ, 1_000L, Kinds.OUTPUT, 800L)));
        // sandbox: 1.5 CPU-seconds ×20 per million = 0.00003
        record(
            ledger,
            "synthetic:sandbox:" + hour,
            first,
            new Metered("sandbox", "runner", Map.of(Kinds.CPU_SECONDS, new BigDecimal("1.5"))));
      }
    }
    Map<String, String[]> rows = new HashMap<>();
    for (Row r :
        await(
            db.asService(
                conn ->
                    conn.query(
                            "SELECT provider, kind, quantity::text AS q, usd::text AS usd, entries FROM costs WHERE day = (now() AT TIME ZONE 'UTC')::date")
                        .execute()))) {
      rows.put(
          r.getString("provider") + "/" + r.getString("kind"),
          new String[] {
            r.getString("q"), r.getString("usd"), String.valueOf(r.getLong("entries"))
          });
    }
    long greetings = entries(first);
    assertRow(rows, "openai/audio_in", "24000", "0.768", 24);
    assertRow(
        rows, "openai/audio_out", String.valueOf(24 * 500 + 200 * greetings), null, 24 + greetings);
    assertRow(rows, "openai/text_in", String.valueOf(1_000 * greetings), null, greetings);
    assertRow(rows, "gemini/audio_in", "48000", "0.144", 24);
    assertRow(rows, "gemini/audio_out", "24000", "0.288", 24);
    assertRow(rows, "anthropic/input", "120000", "0.36", 24);
    assertRow(rows, "anthropic/cache_read", "24000", "0.0072", 24);
    assertRow(rows, "anthropic/output", "19200", "0.288", 24);
    assertRow(rows, "sandbox/cpu_seconds", "36", "0.00072", 24);
    assertThat(rows.keySet())
        .containsExactlyInAnyOrder(
            "openai/audio_in",
            "openai/audio_out",
            "openai/text_in",
            "openai/text_out",
            "gemini/audio_in",
            "gemini/audio_out",
            "anthropic/input",
            "anthropic/cache_read",
            "anthropic/output",
            "sandbox/cpu_seconds");
    assertThat(
            one(
                    "SELECT count(*) AS n FROM cost_entries WHERE event_key LIKE 'synthetic:%'",
                    Tuple.tuple())
                .getLong("n"))
        .isEqualTo(96L);

    // OpenAI is past its 1.00 budget: the next start goes to the local interviewer, the running one
    // keeps OpenAI
    UUID second = UUID.fromString(api.startSession(bearer).getString("sessionId"));
    WebSocket running2 = connect(api.realtimeToken(bearer, second.toString()));
    eventually(
        "the second session on the local interviewer", () -> "local".equals(provider(second)));
    assertThat(provider(first)).isEqualTo("openai");
    assertThat(running1.isClosed()).as("the running interview is not cut").isFalse();
    assertThat(
            one("SELECT status FROM sessions WHERE id = $1", Tuple.of(first)).getString("status"))
        .isEqualTo("active");
    eventually(
        "the guard's gauge",
        () -> metric("interviewroom_budget_exhausted{provider=\"openai\"}") == 1.0);
    assertThat(metric("interviewroom_budget_rerouted_sessions_total{provider=\"openai\"}"))
        .isEqualTo(1.0);
    assertThat(metric("interviewroom_provider_cost_usd_total{provider=\"openai\"}"))
        .isGreaterThan(0.0);

    HttpResponse<String> costs = api.get("/api/admin/costs", admin);
    assertThat(costs.statusCode()).as(costs.body()).isEqualTo(200);
    JsonObject budget = new JsonObject(costs.body()).getJsonArray("budgets").getJsonObject(0);
    assertThat(budget.getString("provider")).isEqualTo("openai");
    assertThat(budget.getBoolean("reached")).isTrue();
    assertThat(handshakeProblems).isEmpty();
    await(running1.close());
    await(running2.close());
  }

  private void record(CostLedger ledger, String key, UUID session, Metered usage) {
    await(ledger.record(key, session, usage));
  }

  private static void assertRow(
      Map<String, String[]> rows, String key, String quantity, String usd, long entries) {
    String[] row = rows.get(key);
    assertThat(row).as(key).isNotNull();
    assertThat(new BigDecimal(row[0])).as(key + " quantity").isEqualByComparingTo(quantity);
    if (usd != null) {
      assertThat(new BigDecimal(row[1])).as(key + " usd").isEqualByComparingTo(usd);
    }
    assertThat(Long.parseLong(row[2])).as(key + " entries").isEqualTo(entries);
  }

  private String provider(UUID session) {
    return one("SELECT provider FROM sessions WHERE id = $1", Tuple.of(session))
        .getString("provider");
  }

  private long entries(UUID session) {
    return one(
            "SELECT count(*) AS n FROM cost_entries WHERE session_id = $1 AND event_key LIKE 'voice:%'",
            Tuple.of(session))
        .getLong("n");
  }

  private Row one(String sql, Tuple args) {
    return await(db.asService(conn -> conn.preparedQuery(sql).execute(args))).iterator().next();
  }

  /** A sample of the internal listener's Prometheus text, 0 when the series is absent. */
  private double metric(String series) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + internalPort + "/metrics"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      for (String line : response.body().split("\n")) {
        if (line.startsWith(series + " ")) {
          return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
      }
      return 0.0;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private WebSocket connect(String token) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/ws")
            .setSubProtocols(List.of("interview.v1", token));
    return await(wsClient.connect(options).onSuccess(ws -> ws.textMessageHandler(text -> {})));
  }
}
