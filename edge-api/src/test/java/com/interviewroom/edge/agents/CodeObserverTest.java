package com.interviewroom.edge.agents;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.edge.fakes.FakeAnthropic;
import com.interviewroom.edge.fakes.FakeSandboxRunner;
import com.interviewroom.session.signal.SessionSignals;
import com.interviewroom.testkit.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CodeObserverTest {
  private static final String OBSERVE = "/api/internal/agents/observe-code";
  private static Vertx fakes;
  private static FakeSandboxRunner runner;
  private static FakeAnthropic anthropic;
  private static AgentsHarness withModel;
  private static AgentsHarness withoutRunner;

  @BeforeAll
  static void start() throws Exception {
    fakes = Vertx.vertx();
    runner = new FakeSandboxRunner(fakes);
    anthropic = new FakeAnthropic(fakes);
    withModel =
        new AgentsHarness(
            Map.of(
                "SANDBOX_URL",
                runner.url(),
                "ANTHROPIC_API_KEY",
                FakeAnthropic.KEY,
                "ANTHROPIC_BASE_URL",
                anthropic.baseUrl()));
    // a port nothing listens on: the runner is unreachable
    withoutRunner = new AgentsHarness(Map.of("SANDBOX_URL", "http://127.0.0.1:1"));
  }

  @AfterAll
  static void stop() throws Exception {
    withModel.close();
    withoutRunner.close();
    anthropic.close();
    runner.close();
    await(fakes.close());
  }

  private static JsonObject observe(AgentsHarness harness, UUID session, String code) {
    return observeReply(harness, session, code).body();
  }

  private static InternalClient.Reply observeReply(
      AgentsHarness harness, UUID session, String code) {
    return observeReply(harness, session, code, "python");
  }

  private static InternalClient.Reply observeReply(
      AgentsHarness harness, UUID session, String code, String language) {
    return harness.post(
        OBSERVE,
        new JsonObject()
            .put("sessionId", session.toString())
            .put("code", code)
            .put("language", language));
  }

  private static String unique(String code) {
    return code + "\n# " + UUID.randomUUID();
  }

  @Test
  @DisplayName(
      "the runner is told the session and its user (its observer limits); its 429 reads as diagnostics unavailable")
  void sessionAndUserReachTheRunner() {
    UUID session = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    String code = unique("def fine():\n    return 1");
    JsonObject result =
        withModel
            .post(
                OBSERVE,
                new JsonObject()
                    .put("sessionId", session.toString())
                    .put("userId", user.toString())
                    .put("code", code)
                    .put("language", "python"))
            .body();
    assertThat(result.getBoolean("diagnosticsAvailable")).isTrue();
    JsonObject sent =
        runner.checkBodies.stream()
            .filter(b -> code.equals(b.getString("code")))
            .findFirst()
            .orElseThrow();
    assertThat(sent.getString("session")).isEqualTo(session.toString());
    assertThat(sent.getString("user")).isEqualTo(user.toString());

    JsonObject refused =
        withModel
            .post(
                OBSERVE,
                new JsonObject()
                    .put("sessionId", UUID.randomUUID().toString())
                    .put("userId", user.toString())
                    .put("code", unique("x = 1\n" + FakeSandboxRunner.OVER_USER_LIMIT))
                    .put("language", "python"))
            .body();
    assertThat(refused.getBoolean("diagnosticsAvailable")).isFalse();
  }

  @Test
  @DisplayName(
      "the runner's syntax error and the model's insight reach the interviewer as an 'I notice' context note")
  void diagnosticsAndInsight() throws Exception {
    UUID session = UUID.randomUUID();
    anthropic.thenTool(
        new JsonObject()
            .put("warnings", new JsonArray().add("The loop never handles an empty list."))
            .put("approach", "a hash map of seen values")
            .put("estimatedComplexity", "O(n) time")
            .put("suggestRun", true));
    LinkedBlockingQueue<String> notes = subscribe(session);

    JsonObject result = observe(withModel, session, unique("def broken(:\n    return"));

    assertThat(result.getBoolean("diagnosticsAvailable")).isTrue();
    assertThat(result.getJsonArray("diagnostics").getJsonObject(0).getInteger("line")).isEqualTo(2);
    assertThat(result.getString("source")).isEqualTo("llm");
    assertThat(result.getJsonObject("insight").getString("estimatedComplexity"))
        .isEqualTo("O(n) time");
    JsonObject request = anthropic.requests.get(anthropic.requests.size() - 1);
    assertThat(request.getString("model")).isEqualTo(CodeObserver.MODEL);
    assertThat(request.getInteger("temperature")).isZero();
    assertThat(request.getJsonObject("tool_choice"))
        .isEqualTo(new JsonObject().put("type", "tool").put("name", "report_observation"));

    JsonObject note = new JsonObject(notes.poll(5, TimeUnit.SECONDS));
    assertThat(note.getString("kind")).isEqualTo("CODE_OBSERVATION");
    assertThat(note.getString("text"))
        .startsWith("I notice a syntax problem on line 2")
        .contains("hash map")
        .doesNotContainIgnoringCase("observer");
  }

  @Test
  @DisplayName(
      "model output that does not fit the schema falls back to diagnostics only, never an error")
  void malformedModelOutput() {
    anthropic.thenTool(new JsonObject().put("approach", 42).put("verdict", "looks fine"));
    InternalClient.Reply reply =
        observeReply(withModel, UUID.randomUUID(), unique("def f(x):\n    return x"));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().getString("source")).isEqualTo("diagnostics");
    assertThat(reply.body().getValue("insight")).isNull();
    assertThat(reply.body().getBoolean("diagnosticsAvailable")).isTrue();
  }

  @Test
  @DisplayName(
      "a second observation of one session within 2 s is refused with 429, while another session proceeds")
  void rateLimitPerSession() {
    UUID session = UUID.randomUUID();
    assertThat(observeReply(withoutRunner, session, unique("x = 1")).status()).isEqualTo(200);
    assertThat(observeReply(withoutRunner, session, unique("x = 2")).status()).isEqualTo(429);
    assertThat(observeReply(withoutRunner, UUID.randomUUID(), unique("x = 3")).status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName(
      "identical language and code within 5 s are answered from the cache without asking the runner again")
  void cache() {
    String code = unique("def g(a):\n    return a");
    int before = runner.checks.get();
    anthropic.thenError(529, "overloaded_error", null);
    JsonObject first = observe(withModel, UUID.randomUUID(), code);
    JsonObject second = observe(withModel, UUID.randomUUID(), code);
    assertThat(first.getBoolean("cached")).isFalse();
    assertThat(second.getBoolean("cached")).isTrue();
    assertThat(runner.checks.get() - before).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "the cache key includes the language: the same code as python, then javascript, asks the runner twice, and python again is a hit")
  void cacheKeyIncludesLanguage() {
    String code = unique("let a = 1");
    int before = runner.checks.get();
    JsonObject quickInsight =
        new JsonObject()
            .put("warnings", new JsonArray())
            .put("approach", "a constant")
            .put("estimatedComplexity", "O(1)")
            .put("suggestRun", false);
    anthropic.thenTool(quickInsight).thenTool(quickInsight);

    JsonObject python = observeReply(withModel, UUID.randomUUID(), code, "python").body();
    JsonObject javascript = observeReply(withModel, UUID.randomUUID(), code, "javascript").body();
    JsonObject pythonAgain = observeReply(withModel, UUID.randomUUID(), code, "python").body();

    assertThat(python.getBoolean("cached")).isFalse();
    assertThat(javascript.getBoolean("cached")).isFalse();
    assertThat(pythonAgain.getBoolean("cached")).isTrue();
    assertThat(runner.checks.get() - before).isEqualTo(2);
  }

  @Test
  @DisplayName("an unreachable sandbox runner gives empty diagnostics marked unavailable")
  void runnerUnavailable() {
    JsonObject result = observe(withoutRunner, UUID.randomUUID(), unique("def broken(:"));
    assertThat(result.getBoolean("diagnosticsAvailable")).isFalse();
    assertThat(result.getJsonArray("diagnostics")).isEmpty();
  }

  @Test
  @DisplayName(
      "the interviewer gets the code itself as a CODE_SNAPSHOT, once per meaningful change (whitespace is none)")
  void codeSnapshots() throws Exception {
    UUID session = UUID.randomUUID();
    LinkedBlockingQueue<String> notes = subscribe(session);
    String code = unique("def two_sum(nums, target):\n    return []");
    observe(withoutRunner, session, code);
    JsonObject first = new JsonObject(notes.poll(5, TimeUnit.SECONDS));
    assertThat(first.getString("kind")).isEqualTo("CODE_SNAPSHOT");
    assertThat(first.getString("text")).contains("def two_sum(nums, target):", "python");
    Thread.sleep(CodeObserver.RATE_WINDOW_MS + 100);
    observe(withoutRunner, session, code.replace("    return", "        return") + "\n\n");
    assertThat(notes.poll(1, TimeUnit.SECONDS)).as("a whitespace-only edit is no news").isNull();
    Thread.sleep(CodeObserver.RATE_WINDOW_MS + 100);
    observe(withoutRunner, session, code.replace("return []", "return [0, 1]"));
    JsonObject second = new JsonObject(notes.poll(5, TimeUnit.SECONDS));
    assertThat(second.getString("kind")).isEqualTo("CODE_SNAPSHOT");
    assertThat(second.getString("text")).contains("return [0, 1]");
  }

  private static LinkedBlockingQueue<String> subscribe(UUID session) {
    LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    RedisConnection conn =
        await(
            Redis.createClient(
                    fakes,
                    new RedisOptions()
                        .setConnectionString(TestRedis.url())
                        .setPreferredProtocolVersion(ProtocolVersion.RESP2))
                .connect());
    conn.handler(
        message -> {
          if (message.size() == 3 && "message".equals(message.get(0).toString())) {
            messages.add(message.get(2).toString());
          }
        });
    await(conn.send(Request.cmd(Command.SUBSCRIBE).arg(SessionSignals.context(session))));
    return messages;
  }
}
