package com.interviewroom.edge.agents;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.fakes.FakeAnthropic;
import com.interviewroom.edge.fakes.FakeSandboxRunner;
import com.interviewroom.edge.sandbox.SandboxClient;
import com.interviewroom.sandbox.http.SandboxRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  private static final String EVALUATE = "/api/internal/agents/evaluate";
  private static final long MODEL_TIMEOUT_MS = 3_000;
  private static Vertx fakes;
  private static FakeAnthropic anthropic;
  private static FakeSandboxRunner runner;
  private static AgentsHarness heuristic;
  private static AgentsHarness withModel;
  private static AgentsHarness overBudget;

  @BeforeAll
  static void start() throws Exception {
    fakes = Vertx.vertx();
    anthropic = new FakeAnthropic(fakes);
    runner = new FakeSandboxRunner(fakes);
    heuristic = new AgentsHarness(Map.of("SANDBOX_URL", runner.url()));
    // a short model timeout, so a slow reply can be shown to be retried
    withModel =
        new AgentsHarness(
            Map.of(
                "ANTHROPIC_API_KEY", FakeAnthropic.KEY, "ANTHROPIC_BASE_URL", anthropic.baseUrl()),
            MODEL_TIMEOUT_MS);
    // a budget of 0 is reached before the first call: the model is never asked
    overBudget =
        new AgentsHarness(
            Map.of(
                "ANTHROPIC_API_KEY",
                FakeAnthropic.KEY,
                "ANTHROPIC_BASE_URL",
                anthropic.baseUrl(),
                "BUDGET_DAILY_USD_ANTHROPIC",
                "0"),
            MODEL_TIMEOUT_MS);
  }

  @AfterAll
  static void stop() throws Exception {
    heuristic.close();
    withModel.close();
    overBudget.close();
    anthropic.close();
    runner.close();
    await(fakes.close());
  }

  @BeforeEach
  void resetScript() {
    anthropic.reset();
  }

  private static HttpResponse<Buffer> evaluation(
      AgentsHarness harness, JsonObject account, UUID session) {
    return await(
        harness
            .edge
            .client
            .get("/api/sessions/" + session + "/evaluation")
            .putHeader("Authorization", EdgeServer.bearer(account))
            .send());
  }

  private static InternalClient.Reply evaluate(AgentsHarness harness, UUID session) {
    return harness.post(EVALUATE, new JsonObject().put("sessionId", session.toString()));
  }

  /**
   * A full session: a conversation, two runs (the second passes 4/4 hidden tests), a final
   * snapshot.
   */
  private static UUID fullSession(AgentsHarness harness, UUID user) {
    UUID session = harness.session(user);
    harness.turn(session, "item_a1", "assistant", "Tell me how you would approach this.", 1);
    harness.turn(session, "item_u1", "user", "I'd use a hash map from value to index.", 2);
    harness.turn(
        session, "item_u2", "user", "That makes it linear time <script>alert(1)</script>.", 3);
    harness.turn(session, "item_u3", "user", "Let me test the empty case.", 9);
    harness.snapshot(session, "execution", "def two_sum(n, t): return []", 2, 4, 6);
    harness.snapshot(session, "execution", "def two_sum(n, t):\n  seen = {}\n  ...", 4, 4, 8);
    harness.snapshot(session, "final", "def two_sum(n, t):\n  seen = {}\n  ...", 0, 0, 12);
    return session;
  }

  @Test
  @DisplayName(
      "a looping tone heard as speech but never transcribed: communication is not assessed, excluded from the overall, whoever judges")
  void noWordsNoCommunicationScore() {
    JsonObject owner = heuristic.user();
    UUID session = heuristic.session(AgentsHarness.userId(owner));
    for (int i = 0; i < 16; i++) {
      heuristic.turn(
          session,
          "local-user-" + i,
          "user",
          "(speech, 2.4 s — no transcription without a provider key)",
          1 + i);
    }
    heuristic.snapshot(session, "execution", "def two_sum(n, t):\n  seen = {}\n  ...", 4, 4, 8);
    heuristic.snapshot(session, "final", "def two_sum(n, t):\n  seen = {}\n  ...", 0, 0, 12);
    evaluate(heuristic, session);
    JsonObject stored = evaluation(heuristic, owner, session).bodyAsJsonObject();
    JsonObject scores = stored.getJsonObject("scores");
    assertThat(scores.containsKey("communication")).isTrue();
    assertThat(scores.getValue("communication")).isNull();
    assertThat(scores.getJsonArray("notAssessed")).containsExactly("communication");
    double expected =
        (0.30 * scores.getInteger("problem_solving")
                + 0.20 * scores.getInteger("code_quality")
                + 0.15 * scores.getInteger("efficiency")
                + 0.15 * scores.getInteger("testing"))
            / 0.80;
    assertThat(scores.getDouble("overall")).isEqualTo(Math.round(expected * 10) / 10.0);
    JsonObject communication = stored.getJsonObject("evidence").getJsonObject("communication");
    assertThat(communication.getBoolean("assessed")).isFalse();
    assertThat(communication.getString("rationale")).startsWith("Not assessed");
    assertThat(stored.getJsonObject("evidence").getString("mode")).isEqualTo("code_only");
    assertThat(stored.getString("reportMarkdown")).contains("| communication | not assessed |");
    assertThat(
            stored
                .getJsonObject("evidence")
                .getJsonObject("problem_solving")
                .getBoolean("assessed"))
        .isTrue();

    UUID modelSession = withModel.session(AgentsHarness.userId(withModel.user()));
    withModel.turn(
        modelSession,
        "local-user-1",
        "user",
        "(speech, 3.0 s — no transcription without a provider key)",
        2);
    withModel.snapshot(modelSession, "final", "def f(): pass", 0, 0, 5);
    anthropic.thenTool(modelAnswer(modelSession));
    InternalClient.Reply reply = evaluate(withModel, modelSession);
    assertThat(reply.body().getString("status")).isEqualTo("completed");
    JsonObject modelScores =
        await(
            withModel.edge.db.asService(
                sql ->
                    sql.preparedQuery("SELECT scores FROM evaluations WHERE session_id = $1")
                        .execute(io.vertx.sqlclient.Tuple.of(modelSession))
                        .map(rows -> rows.iterator().next().getJsonObject(0))));
    assertThat(modelScores.getValue("communication")).as("the model's 8 is not evidence").isNull();
    assertThat(modelScores.getDouble("overall")).isEqualTo(8.0);
  }

  @Test
  @DisplayName(
      "the final code is graded: edited after the last submit, it runs once against every test before the evaluation, and a retry runs nothing")
  void finalCodeIsGraded() {
    JsonObject owner = heuristic.user();
    UUID session = heuristic.session(AgentsHarness.userId(owner));
    await(
        heuristic.edge.db.asService(
            sql ->
                sql.preparedQuery(
                        """
            INSERT INTO test_cases (problem_id, ordinal, input, expected, is_example, is_hidden)
            SELECT problem_id, g, '{"nums":[1,2,3],"target":5}'::jsonb, '[1,2]'::jsonb, g = 1, g > 1
            FROM sessions, generate_series(1, 4) g WHERE sessions.id = $1""")
                    .execute(io.vertx.sqlclient.Tuple.of(session))));
    heuristic.turn(session, "item_u1", "user", "I'll use a hash map.", 2);
    heuristic.snapshot(session, "execution", "def two_sum(n, t):\n  return [0, 1]", 3, 3, 6);
    heuristic.snapshot(
        session, "final", "def two_sum(n, t):\n  return []  # edited after the submit", 0, 0, 12);
    int runsBefore = runner.runs.get();

    evaluate(heuristic, session);

    JsonObject stored = evaluation(heuristic, owner, session).bodyAsJsonObject();
    JsonObject signals = stored.getJsonObject("evidence").getJsonObject("signals");
    assertThat(signals.getJsonObject("graded").getString("source")).isEqualTo("final_code_run");
    assertThat(signals.getInteger("hiddenTestsTotal"))
        .as("the fake runner reports all 4 tests as hidden")
        .isEqualTo(4);
    assertThat(signals.getInteger("hiddenTestsPassed"))
        .as("the final code's run, not the older 3/3")
        .isZero();
    assertThat(stored.getString("reportMarkdown"))
        .contains("Graded code: the final code, run against every test");
    assertThat(runner.runs.get() - runsBefore).isEqualTo(1);
    List<String> runs =
        await(
            heuristic.edge.db.asService(
                sql ->
                    sql.preparedQuery(
                            "SELECT code FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'execution' ORDER BY created_at")
                        .execute(io.vertx.sqlclient.Tuple.of(session))
                        .map(
                            rows -> {
                              List<String> codes = new java.util.ArrayList<>();
                              rows.forEach(r -> codes.add(r.getString(0)));
                              return codes;
                            })));
    assertThat(runs).hasSize(2).last().asString().contains("edited after the submit");

    FinalCodeGrader grader =
        new FinalCodeGrader(
            heuristic.edge.db, SandboxClient.of(fakes, heuristic.edge.context.config().sandbox()));
    EvaluationInputs again =
        await(heuristic.edge.db.asService(sql -> EvaluationInputs.load(sql, session)));
    FinalCodeGrader.Graded second = await(grader.grade(again));
    assertThat(second.info().getString("source")).isEqualTo("submitted");
    assertThat(runner.runs.get() - runsBefore).as("idempotent").isEqualTo(1);
  }

  private static JsonObject modelAnswer(UUID snapshotRefSession) {
    JsonObject scores = new JsonObject();
    for (String d : Rubric.DIMENSIONS) {
      scores.put(
          d,
          new JsonObject()
              .put("score", 8)
              .put("rationale", "Solid <b>work</b> on " + d)
              .put(
                  "evidence",
                  new JsonArray()
                      .add("transcript:item_u1")
                      .add("transcript:item_invented")
                      .add("test:h0:passed")));
    }
    return new JsonObject()
        .put("scores", scores)
        .put("strengths", new JsonArray().add("Clear plan"))
        .put("improvements", new JsonArray().add("Name variables <i>better</i>"))
        .put("summary", "Good session.");
  }

  @Test
  @DisplayName(
      "without a key the heuristic evaluator stores a scored, evidenced report and the owner reads it")
  void heuristicEvaluation() {
    JsonObject owner = heuristic.user();
    UUID session = fullSession(heuristic, AgentsHarness.userId(owner));
    assertThat(evaluation(heuristic, owner, session).bodyAsJsonObject().getString("status"))
        .isEqualTo("pending");

    InternalClient.Reply reply = evaluate(heuristic, session);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().getString("model")).isEqualTo("heuristic");

    JsonObject stored = evaluation(heuristic, owner, session).bodyAsJsonObject();
    assertThat(stored.getString("status")).isEqualTo("completed");
    assertThat(stored.getBoolean("heuristic")).isTrue();
    assertThat(stored.getString("rubricVersion")).isEqualTo(Rubric.VERSION);
    JsonObject signals = stored.getJsonObject("evidence").getJsonObject("signals");
    assertThat(signals.getInteger("hiddenTestsPassed")).isEqualTo(4);
    assertThat(signals.getInteger("runs")).isEqualTo(2);
    assertThat(signals.getLong("secondsToFirstPassingRun")).isBetween(470L, 490L);
    assertThat(stored.getJsonObject("scores").getInteger("problem_solving")).isEqualTo(10);
    assertThat(
            stored
                .getJsonObject("evidence")
                .getJsonObject("communication")
                .getJsonArray("transcriptItems"))
        .contains("item_u1", "item_u2", "item_u3");
    assertThat(
            stored.getJsonObject("evidence").getJsonObject("problem_solving").getJsonArray("tests"))
        .contains("h0:passed");
    assertThat(stored.getString("reportMarkdown"))
        .contains("Heuristic evaluation", "Hidden tests passed: 4/4");
    assertThat(stored.getString("recommendation")).isIn("strong_yes", "yes", "maybe", "no");
  }

  @Test
  @DisplayName(
      "another user's session evaluation is a 404, indistinguishable from a missing session")
  void notYours() {
    JsonObject owner = heuristic.user();
    UUID session = fullSession(heuristic, AgentsHarness.userId(owner));
    evaluate(heuristic, session);
    assertThat(evaluation(heuristic, heuristic.user(), session).statusCode()).isEqualTo(404);
    assertThat(evaluation(heuristic, owner, UUID.randomUUID()).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "an empty transcript gives a code-only evaluation and no code gives a conversation-only one")
  void partialSessions() {
    JsonObject owner = heuristic.user();
    UUID codeOnly = heuristic.session(AgentsHarness.userId(owner));
    heuristic.snapshot(codeOnly, "execution", "def f(): pass", 1, 2, 5);
    UUID talkOnly = heuristic.session(AgentsHarness.userId(owner));
    heuristic.turn(talkOnly, "item_x", "user", "I would sort first.", 1);
    evaluate(heuristic, codeOnly);
    evaluate(heuristic, talkOnly);
    JsonObject code = evaluation(heuristic, owner, codeOnly).bodyAsJsonObject();
    JsonObject talk = evaluation(heuristic, owner, talkOnly).bodyAsJsonObject();
    assertThat(code.getJsonObject("evidence").getString("mode")).isEqualTo("code_only");
    assertThat(code.getJsonObject("scores").getValue("communication"))
        .as("no words, no score")
        .isNull();
    assertThat(code.getJsonObject("scores").getJsonArray("notAssessed"))
        .containsExactly("communication");
    assertThat(talk.getJsonObject("evidence").getString("mode")).isEqualTo("conversation_only");
    assertThat(talk.getJsonObject("scores").getInteger("code_quality")).isEqualTo(1);
    assertThat(talk.getString("recommendation")).isEqualTo("no");
  }

  @Test
  @DisplayName(
      "a 429 with retry-after is retried and the model's answer is stored with sanitized text and real evidence only")
  void retryThenSuccess() {
    JsonObject owner = withModel.user();
    UUID session = fullSession(withModel, AgentsHarness.userId(owner));
    int before = anthropic.requests.size();
    anthropic.thenError(429, "rate_limit_error", "1").thenTool(modelAnswer(session));

    long start = System.nanoTime();
    InternalClient.Reply reply = evaluate(withModel, session);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(900);
    assertThat(reply.body().getString("status")).isEqualTo("completed");
    assertThat(anthropic.requests.size() - before).isEqualTo(2);
    JsonObject request = anthropic.requests.get(anthropic.requests.size() - 1);
    assertThat(request.getString("model")).isEqualTo(Evaluator.MODEL);
    assertThat(request.getInteger("temperature")).isZero();
    assertThat(request.getJsonObject("tool_choice").getString("type")).isEqualTo("tool");
    assertThat(request.getJsonArray("messages").getJsonObject(0).getString("content"))
        .contains("[transcript:item_u1]", "hiddenTestsPassed");

    JsonObject stored = evaluation(withModel, owner, session).bodyAsJsonObject();
    assertThat(stored.getString("model")).isEqualTo(Evaluator.MODEL);
    assertThat(stored.getString("recommendation")).isEqualTo("strong_yes");
    JsonObject usage =
        await(
            withModel.edge.db.asService(
                sql ->
                    sql.preparedQuery("SELECT usage FROM sessions WHERE id = $1")
                        .execute(io.vertx.sqlclient.Tuple.of(session))
                        .map(rows -> rows.iterator().next().getJsonObject(0))));
    assertThat(usage.getJsonObject("llm").getLong("calls"))
        .as("the 429 used no tokens")
        .isEqualTo(1L);
    assertThat(usage.getJsonObject("llm").getLong("input_tokens")).isEqualTo(812L);
    assertThat(
            usage
                .getJsonObject("llm")
                .getJsonObject("by_model")
                .getJsonObject(Evaluator.MODEL)
                .getLong("output_tokens"))
        .isEqualTo(164L);
    assertThat(
            usage
                .getJsonObject("llm")
                .getJsonObject("by_agent")
                .getJsonObject("evaluator")
                .getLong("calls"))
        .isEqualTo(1L);
    assertThat(stored.getDouble("overallScore")).isEqualTo(8.0);
    assertThat(stored.getString("promptHash")).hasSize(64);
    assertThat(stored.getString("reportMarkdown"))
        .doesNotContain("<b>", "<i>", "<script")
        .contains("&lt;b&gt;");
    assertThat(
            stored
                .getJsonObject("evidence")
                .getJsonObject("efficiency")
                .getJsonArray("transcriptItems"))
        .containsExactly("item_u1");
  }

  @Test
  @DisplayName(
      "a transcript longer than the prompt's cut reaches the model cut to its end: the latest turns are kept, the earliest dropped")
  void longTranscriptKeepsLatestTurns() {
    int cut = 40_000; // Evaluator.MAX_TRANSCRIPT_CHARS
    JsonObject owner = withModel.user();
    UUID session = withModel.session(AgentsHarness.userId(owner));
    int turns = 60;
    for (int i = 0; i < turns; i++) {
      withModel.turn(
          session,
          "item_long" + i,
          i % 2 == 0 ? "assistant" : "user",
          "x".repeat(1_000) + " marker-" + i + "-end",
          i);
    }
    withModel.snapshot(session, "final", "def two_sum(n, t):\n  seen = {}\n  ...", 0, 0, turns);
    int before = anthropic.requests.size();
    anthropic.thenTool(modelAnswer(session));

    assertThat(evaluate(withModel, session).status()).isEqualTo(200);

    assertThat(anthropic.requests.size() - before).isEqualTo(1);
    String prompt =
        anthropic
            .requests
            .get(anthropic.requests.size() - 1)
            .getJsonArray("messages")
            .getJsonObject(0)
            .getString("content");
    int start = prompt.indexOf("## Transcript\n") + "## Transcript\n".length();
    String transcript = prompt.substring(start, prompt.indexOf("## Code snapshots", start));
    assertThat(transcript.length())
        .as("the transcript section")
        .isGreaterThan(cut - 2_000)
        .isLessThanOrEqualTo(cut + 1);
    assertThat(transcript)
        .contains("[transcript:item_long" + (turns - 1) + "] user: ")
        .endsWith("marker-" + (turns - 1) + "-end\n\n")
        .contains("marker-" + (turns - 30) + "-end")
        .doesNotContain("marker-0-end", "marker-1-end", "[transcript:item_long0]");
  }

  @Test
  @DisplayName("a 400 from the model is never retried and the evaluation is stored as failed")
  void badRequestFails() {
    JsonObject owner = withModel.user();
    UUID session = fullSession(withModel, AgentsHarness.userId(owner));
    int before = anthropic.requests.size();
    var failures =
        com.interviewroom.common.observability.Observability.newRegistry()
            .get("interviewroom.evaluations.failed")
            .functionCounter();
    double failuresBefore = failures.count();
    anthropic.thenError(400, "invalid_request_error", null).thenTool(modelAnswer(session));

    InternalClient.Reply reply = evaluate(withModel, session);
    assertThat(reply.body().getString("status")).isEqualTo("failed");
    assertThat(failures.count())
        .as("interviewroom_evaluations_failed_total counts it")
        .isEqualTo(failuresBefore + 1);
    assertThat(anthropic.requests.size() - before).isEqualTo(1);
    assertThat(evaluation(withModel, owner, session).bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("status", "failed"));
  }

  @Test
  @DisplayName(
      "three overloads in a row (529) exhaust the 2 retries and mark the evaluation failed")
  void overloadExhaustsRetries() {
    JsonObject owner = withModel.user();
    UUID session = fullSession(withModel, AgentsHarness.userId(owner));
    int before = anthropic.requests.size();
    anthropic
        .thenError(529, "overloaded_error", "0")
        .thenError(529, "overloaded_error", "0")
        .thenError(529, "overloaded_error", "0");
    assertThat(evaluate(withModel, session).body().getString("status")).isEqualTo("failed");
    assertThat(anthropic.requests.size() - before).isEqualTo(3);
  }

  @Test
  @DisplayName("model output outside the schema falls back to the heuristic evaluation")
  void malformedFallsBack() {
    JsonObject owner = withModel.user();
    UUID session = fullSession(withModel, AgentsHarness.userId(owner));
    anthropic.thenTool(
        new JsonObject()
            .put("scores", new JsonObject().put("problem_solving", 11))
            .put("summary", "x"));
    assertThat(evaluate(withModel, session).body().getString("model")).isEqualTo("heuristic");
    JsonObject stored = evaluation(withModel, owner, session).bodyAsJsonObject();
    assertThat(stored.getString("status")).isEqualTo("completed");
    assertThat(stored.getString("reportMarkdown")).contains("did not fit the rubric schema");
  }

  @Test
  @DisplayName(
      "a model reply slower than the call timeout is retried, and the second answer is stored")
  void slowReplyRetried() {
    JsonObject owner = withModel.user();
    UUID session = fullSession(withModel, AgentsHarness.userId(owner));
    int before = anthropic.requests.size();
    anthropic
        .then(FakeAnthropic.Reply.tool(modelAnswer(session)).after(MODEL_TIMEOUT_MS * 2))
        .thenTool(modelAnswer(session));

    InternalClient.Reply reply = evaluate(withModel, session);
    assertThat(reply.body().getString("status")).isEqualTo("completed");
    assertThat(reply.body().getString("model")).isEqualTo(Evaluator.MODEL);
    assertThat(anthropic.requests.size() - before).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a 200 with only text (stop_reason max_tokens) falls back to the heuristic evaluation, which says why")
  void textOnlyReplyFallsBack() {
    JsonObject owner = withModel.user();
    UUID session = fullSession(withModel, AgentsHarness.userId(owner));
    int before = anthropic.requests.size();
    anthropic.then(
        new FakeAnthropic.Reply(
            200,
            FakeAnthropic.textMessage("Problem solving: 8/10 because", "max_tokens"),
            null,
            0));

    InternalClient.Reply reply = evaluate(withModel, session);
    assertThat(reply.body().getString("status")).isEqualTo("completed");
    assertThat(reply.body().getString("model")).isEqualTo("heuristic");
    assertThat(anthropic.requests.size() - before).isEqualTo(1);
    JsonObject stored = evaluation(withModel, owner, session).bodyAsJsonObject();
    assertThat(stored.getBoolean("heuristic")).isTrue();
    assertThat(stored.getString("reportMarkdown"))
        .contains("Heuristic evaluation", "held no usable evaluation", "max_tokens");
  }

  @Test
  @DisplayName("a 200 whose body is not JSON falls back to the heuristic evaluation too")
  void nonJsonReplyFallsBack() {
    JsonObject owner = withModel.user();
    UUID session = fullSession(withModel, AgentsHarness.userId(owner));
    anthropic.then(
        new FakeAnthropic.Reply(200, "<html><body>gateway says hi</body></html>", null, 0));

    assertThat(evaluate(withModel, session).body().getString("model")).isEqualTo("heuristic");
    JsonObject stored = evaluation(withModel, owner, session).bodyAsJsonObject();
    assertThat(stored.getString("status")).isEqualTo("completed");
    assertThat(stored.getString("reportMarkdown"))
        .contains("held no usable evaluation")
        .doesNotContain("<html>", "gateway says hi");
  }

  @Test
  @DisplayName(
      "hints given to the interviewer are a signal: reported, and they lower the heuristic problem-solving score")
  void hintsGiven() {
    JsonObject owner = heuristic.user();
    UUID session = fullSession(heuristic, AgentsHarness.userId(owner));
    await(
        heuristic.edge.db.asService(
            sql ->
                sql.preparedQuery(
                        "UPDATE sessions SET usage = jsonb_set(usage, '{hintsGiven}', '2') WHERE id = $1")
                    .execute(Tuple.of(session))));

    evaluate(heuristic, session);

    JsonObject stored = evaluation(heuristic, owner, session).bodyAsJsonObject();
    assertThat(stored.getJsonObject("evidence").getJsonObject("signals").getInteger("hintsGiven"))
        .isEqualTo(2);
    // 4/4 hidden tests would score 10; each hint costs one point (at most three)
    assertThat(stored.getJsonObject("scores").getInteger("problem_solving")).isEqualTo(8);
    assertThat(stored.getString("reportMarkdown")).contains("- Hints given: 2");
    assertThat(stored.getJsonArray("strengths")).doesNotContain("Needed no hints.");
  }

  @Test
  @DisplayName(
      "efficiency is measured on growing generated inputs in the sandbox: a nested loop shows quadratic growth")
  void measuredGrowth() {
    JsonObject owner = heuristic.user();
    // the bank's sizes for arrays of ints: at 100,000 elements one request would be ~0.9 MB, over
    // the runner's limit
    JsonObject generator =
        new JsonObject()
            .put("param", "nums")
            .put("kind", "random-int-array")
            .put("sizes", new JsonArray().add(1000).add(10000).add(100000))
            .put("fixed", new JsonObject().put("target", -1));
    UUID quadratic = heuristic.session(AgentsHarness.userId(owner), generator);
    heuristic.snapshot(
        quadratic,
        "final",
        "def two_sum(nums, t):\n  for i in range(len(nums)):\n    for j in range(i):\n      pass",
        0,
        0,
        10);
    UUID linear = heuristic.session(AgentsHarness.userId(owner), generator);
    heuristic.snapshot(
        linear, "final", "def two_sum(nums, t):\n  seen = {}\n  return []", 0, 0, 10);
    int before = runner.runs.get();
    int bodies = runner.runBodyBytes.size();

    evaluate(heuristic, quadratic);
    evaluate(heuristic, linear);

    // per session: the never-run final code graded once, then one run per size; every request
    // within the runner's body limit
    assertThat(runner.runs.get() - before).isEqualTo(8);
    assertThat(runner.runBodyBytes.subList(bodies, runner.runBodyBytes.size()))
        .hasSize(8)
        .allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(SandboxRoutes.BODY_LIMIT));
    JsonObject slow = evaluation(heuristic, owner, quadratic).bodyAsJsonObject();
    JsonObject fast = evaluation(heuristic, owner, linear).bodyAsJsonObject();
    JsonObject slowGrowth =
        slow.getJsonObject("evidence").getJsonObject("signals").getJsonObject("efficiencyGrowth");
    assertThat(slowGrowth.getDouble("exponent")).isEqualTo(2.0);
    assertThat(slowGrowth.getJsonArray("points")).hasSize(3);
    assertThat(slowGrowth.getJsonArray("declaredSizes")).containsExactly(1000, 10000, 100000);
    assertThat(slow.getString("reportMarkdown"))
        .contains("about quadratic", "scaled from declared sizes 1000, 10000, 100000");
    assertThat(
            fast.getJsonObject("evidence")
                .getJsonObject("signals")
                .getJsonObject("efficiencyGrowth")
                .getDouble("exponent"))
        .isEqualTo(1.0);
    assertThat(slow.getJsonObject("scores").getInteger("efficiency"))
        .isLessThan(fast.getJsonObject("scores").getInteger("efficiency"));
  }

  @Test
  @DisplayName(
      "a solution that hits the runner's time limit on the largest size is reported as not finishing, and scored low")
  void growthTimeLimit() {
    JsonObject owner = heuristic.user();
    JsonObject generator =
        new JsonObject()
            .put("param", "nums")
            .put("kind", "random-int-array")
            .put("sizes", new JsonArray().add(1000).add(10000).add(100000));
    UUID cubic = heuristic.session(AgentsHarness.userId(owner), generator);
    heuristic.snapshot(
        cubic,
        "final",
        "def f(nums):\n  for i in nums:\n    for j in nums:\n      for k in nums:\n        pass",
        0,
        0,
        10);

    evaluate(heuristic, cubic);

    JsonObject stored = evaluation(heuristic, owner, cubic).bodyAsJsonObject();
    JsonObject growth =
        stored.getJsonObject("evidence").getJsonObject("signals").getJsonObject("efficiencyGrowth");
    assertThat(growth.getBoolean("measured")).isTrue();
    assertThat(growth.getString("label")).isEqualTo("did not finish on the largest inputs");
    assertThat(growth.getJsonArray("points").getJsonObject(2).getString("error"))
        .isEqualTo("time_limit_exceeded");
    assertThat(stored.getJsonObject("scores").getInteger("efficiency")).isEqualTo(2);
    assertThat(stored.getString("reportMarkdown")).contains("did not finish");
  }

  @Test
  @DisplayName(
      "the model's usage is priced into the cost ledger under its message id (claude-sonnet-4-6: 812 in x $3 + 164 out x $15 per million)")
  void modelUsageIsPriced() {
    UUID session = fullSession(withModel, AgentsHarness.userId(withModel.user()));
    anthropic.thenTool(modelAnswer(session));
    assertThat(evaluate(withModel, session).body().getString("status")).isEqualTo("completed");
    io.vertx.sqlclient.Row entry =
        await(
                withModel.edge.db.asService(
                    sql ->
                        sql.preparedQuery(
                                "SELECT event_key, provider, model, usage, usd FROM cost_entries WHERE session_id = $1")
                            .execute(io.vertx.sqlclient.Tuple.of(session))))
            .iterator()
            .next();
    assertThat(entry.getString("event_key")).startsWith("anthropic:msg_");
    assertThat(entry.getString("model")).startsWith("claude-sonnet-4");
    assertThat(entry.getJsonObject("usage").getMap())
        .containsOnly(Map.entry("input", 812), Map.entry("output", 164));
    assertThat(entry.getBigDecimal("usd")).isEqualByComparingTo("0.004896");
  }

  @Test
  @DisplayName(
      "past BUDGET_DAILY_USD_ANTHROPIC the heuristic evaluator judges and says why; the model is not called")
  void overBudgetUsesTheHeuristic() {
    JsonObject owner = overBudget.user();
    UUID session = fullSession(overBudget, AgentsHarness.userId(owner));
    int before = anthropic.requests.size();
    assertThat(evaluate(overBudget, session).body().getString("status")).isEqualTo("completed");
    assertThat(anthropic.requests).hasSize(before);
    JsonObject stored = evaluation(overBudget, owner, session).bodyAsJsonObject();
    assertThat(stored.getBoolean("heuristic")).isTrue();
    assertThat(stored.getString("reportMarkdown")).contains("daily budget was reached");
  }
}
