package com.interviewroom.edge.internal;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.common.internal.InternalSignature;
import com.interviewroom.edge.agents.AgentsHarness;
import com.interviewroom.edge.agents.Evaluator;
import com.interviewroom.edge.agents.Rubric;
import com.interviewroom.edge.fakes.FakeAnthropic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class InternalApiTest {
  private static Vertx fakes;
  private static FakeAnthropic anthropic;
  private static AgentsHarness harness;

  @BeforeAll
  static void start() throws Exception {
    fakes = Vertx.vertx();
    anthropic = new FakeAnthropic(fakes);
    harness =
        new AgentsHarness(
            Map.of(
                "ANTHROPIC_API_KEY", FakeAnthropic.KEY, "ANTHROPIC_BASE_URL", anthropic.baseUrl()));
  }

  @AfterAll
  static void stop() throws Exception {
    harness.close();
    anthropic.close();
    await(fakes.close());
  }

  @BeforeEach
  void resetScript() {
    anthropic.reset();
  }

  /** A tool answer the evaluator accepts: 7 in every dimension. */
  private static JsonObject modelAnswer() {
    JsonObject scores = new JsonObject();
    for (String d : Rubric.DIMENSIONS) {
      scores.put(
          d,
          new JsonObject().put("score", 7).put("rationale", "ok").put("evidence", new JsonArray()));
    }
    return new JsonObject()
        .put("scores", scores)
        .put("strengths", new JsonArray())
        .put("improvements", new JsonArray())
        .put("summary", "fine");
  }

  private HttpResponse<Buffer> raw(
      String path, Buffer body, String timestamp, String signature, String key) {
    var request =
        harness
            .edge
            .client
            .post(harness.internalPort, "127.0.0.1", path)
            .putHeader("Content-Type", "application/json");
    if (timestamp != null) {
      request.putHeader(InternalClient.TIMESTAMP, timestamp);
    }
    if (signature != null) {
      request.putHeader(InternalClient.SIGNATURE, signature);
    }
    if (key != null) {
      request.putHeader(InternalClient.IDEMPOTENCY_KEY, key);
    }
    return await(request.sendBuffer(body));
  }

  private static String now() {
    return Long.toString(Instant.now().getEpochSecond());
  }

  private UUID evaluableSession() {
    UUID session = harness.session(AgentsHarness.userId(harness.user()));
    harness.snapshot(session, "execution", "def two_sum(nums, t): ...", 3, 4, 10);
    return session;
  }

  @Test
  @DisplayName(
      "a forged signature, a stale, future-dated or malformed timestamp and a missing idempotency key each get the same bare 403")
  void rejections() {
    Buffer body = new JsonObject().put("sessionId", UUID.randomUUID().toString()).toBuffer();
    String ts = now();
    String key = "k-" + UUID.randomUUID();
    String path = AgentHandlersPaths.EVALUATE;
    String good = sign(ts, path, key, body);
    String forged =
        InternalSignature.sign(
            "some-other-secret-0123456789abcdef", ts, "POST", path, key, body.getBytes());
    String stale = Long.toString(Instant.now().getEpochSecond() - 120);
    String future = Long.toString(Instant.now().getEpochSecond() + 120);
    String malformed = ts + "x";
    String millis = Long.toString(Instant.now().toEpochMilli());
    Buffer tampered = new JsonObject().put("sessionId", UUID.randomUUID().toString()).toBuffer();

    List<HttpResponse<Buffer>> responses =
        List.of(
            raw(path, body, ts, forged, key),
            raw(path, body, stale, sign(stale, path, key, body), key),
            raw(path, body, future, sign(future, path, key, body), key),
            raw(path, body, malformed, sign(malformed, path, key, body), key),
            raw(path, body, millis, sign(millis, path, key, body), key),
            raw(path, body, ts, sign(ts, path, "", body), null),
            raw(path, tampered, ts, good, key),
            raw(path, body, null, null, key));
    for (HttpResponse<Buffer> response : responses) {
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body() == null ? 0 : response.body().length()).isZero();
    }
  }

  @Test
  @DisplayName(
      "the signature covers the raw bytes: the same JSON with its keys reordered or re-spaced gets the bare 403")
  void signatureOverRawBytes() {
    String session = UUID.randomUUID().toString();
    Buffer signed =
        Buffer.buffer(
            "{\"sessionId\":\"" + session + "\",\"code\":\"x = 1\",\"language\":\"python\"}");
    Buffer reordered =
        Buffer.buffer(
            "{\"language\":\"python\",\"code\":\"x = 1\",\"sessionId\":\"" + session + "\"}");
    Buffer respaced =
        Buffer.buffer(
            "{ \"sessionId\": \""
                + session
                + "\", \"code\": \"x = 1\", \"language\": \"python\" }");
    assertThat(new JsonObject(reordered)).isEqualTo(new JsonObject(signed));
    assertThat(new JsonObject(respaced)).isEqualTo(new JsonObject(signed));
    String ts = now();
    String key = "raw-" + UUID.randomUUID();
    String signature = sign(ts, AgentHandlersPaths.OBSERVE, key, signed);

    for (Buffer resent : List.of(reordered, respaced)) {
      HttpResponse<Buffer> response = raw(AgentHandlersPaths.OBSERVE, resent, ts, signature, key);
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body() == null ? 0 : response.body().length()).isZero();
    }
    HttpResponse<Buffer> original = raw(AgentHandlersPaths.OBSERVE, signed, ts, signature, key);
    assertThat(original.statusCode()).as("the bytes that were signed").isEqualTo(200);
  }

  @Test
  @DisplayName(
      "a forged call logs one rejection line with ip, path and reason, and never the body it carried")
  void rejectionLogged() {
    String marker = "candidate-secret-" + UUID.randomUUID();
    Buffer body =
        new JsonObject()
            .put("sessionId", UUID.randomUUID().toString())
            .put("code", marker)
            .put("language", "python")
            .toBuffer();
    String ts = now();
    String forgedKey = "forged-" + UUID.randomUUID();
    String forged =
        InternalSignature.sign(
            "some-other-secret-0123456789abcdef",
            ts,
            "POST",
            AgentHandlersPaths.OBSERVE,
            forgedKey,
            body.getBytes());
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    encoder.start();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    List<String> lines;
    try {
      assertThat(raw(AgentHandlersPaths.OBSERVE, body, ts, forged, forgedKey).statusCode())
          .isEqualTo(403);
      synchronized (logs.list) {
        lines =
            logs.list.stream()
                .map(e -> new String(encoder.encode(e), StandardCharsets.UTF_8))
                .toList();
      }
    } finally {
      root.detachAppender(logs);
      encoder.stop();
    }

    List<JsonObject> rejections =
        lines.stream()
            .map(JsonObject::new)
            .filter(line -> InternalAuth.class.getName().equals(line.getString("logger_name")))
            .toList();
    assertThat(rejections).hasSize(1);
    JsonObject rejection = rejections.get(0);
    assertThat(rejection.getString("ip")).isEqualTo("127.0.0.1");
    assertThat(rejection.getString("path")).isEqualTo(AgentHandlersPaths.OBSERVE);
    assertThat(rejection.getString("reason")).isEqualTo("bad_signature");
    assertThat(lines).noneMatch(line -> line.contains(marker));
  }

  @Test
  @DisplayName(
      "a correctly signed call is answered 200 and a replay of its key returns the stored response")
  void validThenReplay() {
    UUID session = evaluableSession();
    JsonObject body = new JsonObject().put("sessionId", session.toString());
    String key = "replay-" + UUID.randomUUID();
    anthropic.thenTool(modelAnswer());
    InternalClient.Reply first =
        await(harness.internal.post(AgentHandlersPaths.EVALUATE, body, key));
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().getString("status")).isEqualTo("completed");
    assertThat(first.body().containsKey("alreadyEvaluated")).isFalse();

    InternalClient.Reply replay =
        await(harness.internal.post(AgentHandlersPaths.EVALUATE, body, key));
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.body()).isEqualTo(first.body());

    // a new key reaches the service, which sees the stored evaluation: the replay above did not
    InternalClient.Reply fresh =
        await(
            harness.internal.post(AgentHandlersPaths.EVALUATE, body, "other-" + UUID.randomUUID()));
    assertThat(fresh.body().getBoolean("alreadyEvaluated")).isTrue();
  }

  @Test
  @DisplayName(
      "two concurrent requests with one idempotency key run the work once (one model call) and both get its response")
  void concurrentSameKey() {
    UUID session = evaluableSession();
    JsonObject body = new JsonObject().put("sessionId", session.toString());
    String key = "twin-" + UUID.randomUUID();
    // the model answers slowly, so the twin arrives while the first request is still working
    anthropic.then(FakeAnthropic.Reply.tool(modelAnswer()).after(1_500)).thenTool(modelAnswer());
    int before = anthropic.requests.size();
    List<InternalClient.Reply> replies =
        await(
                Future.all(
                    harness.internal.post(AgentHandlersPaths.EVALUATE, body, key),
                    harness.internal.post(AgentHandlersPaths.EVALUATE, body, key)))
            .list();
    assertThat(anthropic.requests.size() - before).isEqualTo(1);
    assertThat(replies).extracting(InternalClient.Reply::status).containsOnly(200);
    assertThat(replies.get(0).body()).isEqualTo(replies.get(1).body());
    assertThat(replies.get(0).body().getString("model")).isEqualTo(Evaluator.MODEL);
    assertThat(replies.get(0).body().containsKey("alreadyEvaluated")).isFalse();
    assertThat(await(harness.evaluationRows(session))).isEqualTo(1L);
  }

  @Test
  @DisplayName(
      "the public listener answers 404 for /api/internal paths, even when correctly signed")
  void publicListenerHidesInternal() {
    Buffer body = new JsonObject().put("sessionId", UUID.randomUUID().toString()).toBuffer();
    String ts = now();
    HttpResponse<Buffer> response =
        await(
            harness
                .edge
                .client
                .post(AgentHandlersPaths.EVALUATE)
                .putHeader(InternalClient.TIMESTAMP, ts)
                .putHeader(
                    InternalClient.SIGNATURE, sign(ts, AgentHandlersPaths.EVALUATE, "k", body))
                .putHeader(InternalClient.IDEMPOTENCY_KEY, "k")
                .sendBuffer(body));
    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "a signed call with an invalid body gets a 400 problem listing the fields, and its replay the same problem")
  void validation() {
    JsonObject bad =
        new JsonObject().put("sessionId", "nope").put("language", "cobol").put("extra", 1);
    String key = "bad-" + UUID.randomUUID();
    InternalClient.Reply reply = await(harness.internal.post(AgentHandlersPaths.OBSERVE, bad, key));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().getJsonArray("errors").encode())
        .contains("sessionId", "language", "code", "extra");

    InternalClient.Reply replay =
        await(harness.internal.post(AgentHandlersPaths.OBSERVE, bad, key));
    assertThat(replay.status()).isEqualTo(400);
    JsonObject first = reply.body().copy();
    first.remove("requestId");
    assertThat(replay.body()).isEqualTo(first);
  }

  @Test
  @DisplayName("a timestamp 50 s old or 50 s ahead is inside the 60 s tolerance and accepted")
  void skewTolerated() {
    Buffer body =
        new JsonObject()
            .put("sessionId", UUID.randomUUID().toString())
            .put("code", "x = 1")
            .put("language", "python")
            .toBuffer();
    String ts = Long.toString(Instant.now().getEpochSecond() - 50);
    String key = "skew-" + UUID.randomUUID();
    HttpResponse<Buffer> response =
        raw(
            AgentHandlersPaths.OBSERVE,
            body,
            ts,
            sign(ts, AgentHandlersPaths.OBSERVE, key, body),
            key);
    assertThat(response.statusCode()).isEqualTo(200);
    String ahead = Long.toString(Instant.now().getEpochSecond() + 50);
    String aheadKey = "skew-" + UUID.randomUUID();
    HttpResponse<Buffer> fast =
        raw(
            AgentHandlersPaths.OBSERVE,
            body,
            ahead,
            sign(ahead, AgentHandlersPaths.OBSERVE, aheadKey, body),
            aheadKey);
    assertThat(fast.statusCode()).as("a sender clock 50 s ahead").isNotEqualTo(403);
  }

  @Test
  @DisplayName(
      "the signature covers method, path and Idempotency-Key: a signed call replayed under a new key or on another endpoint gets the bare 403")
  void signatureCoversPathAndKey() {
    UUID session = evaluableSession();
    Buffer body = new JsonObject().put("sessionId", session.toString()).toBuffer();
    String ts = now();
    String key = "bound-" + UUID.randomUUID();
    String signature = sign(ts, AgentHandlersPaths.EVALUATE, key, body);
    anthropic.thenTool(modelAnswer());
    int before = anthropic.requests.size();
    assertThat(
            raw(AgentHandlersPaths.EVALUATE, body, ts, signature, "fresh-" + UUID.randomUUID())
                .statusCode())
        .as("the same signed request under a new key")
        .isEqualTo(403);
    assertThat(raw(AgentHandlersPaths.OBSERVE, body, ts, signature, key).statusCode())
        .as("the same signed request on another endpoint")
        .isEqualTo(403);
    assertThat(raw(AgentHandlersPaths.EVALUATE + "?again=1", body, ts, signature, key).statusCode())
        .as("with a query the signer did not send")
        .isEqualTo(403);
    assertThat(anthropic.requests.size() - before).as("no work ran").isZero();
    assertThat(raw(AgentHandlersPaths.EVALUATE, body, ts, signature, key).statusCode())
        .as("as signed")
        .isEqualTo(200);
  }

  @Test
  @DisplayName(
      "an Idempotency-Key reused with another body is a 422 problem, not the first request's reply")
  void keyReusedWithAnotherBody() {
    String key = "reused-" + UUID.randomUUID();
    JsonObject first =
        new JsonObject()
            .put("sessionId", UUID.randomUUID().toString())
            .put("code", "x = 1")
            .put("language", "python");
    assertThat(await(harness.internal.post(AgentHandlersPaths.OBSERVE, first, key)).status())
        .isEqualTo(200);
    InternalClient.Reply other =
        await(
            harness.internal.post(
                AgentHandlersPaths.OBSERVE, first.copy().put("code", "x = 2"), key));
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.body().getString("code")).isEqualTo("idempotency_key_reused");
    assertThat(await(harness.internal.post(AgentHandlersPaths.OBSERVE, first, key)).status())
        .as("the same body replays")
        .isEqualTo(200);
  }

  @Test
  @DisplayName(
      "evaluate on a scheduled or active session is refused with 409 session_not_ended and stores nothing")
  void evaluateRefusedUntilEnded() {
    for (String status : List.of("scheduled", "active")) {
      UUID session = evaluableSession();
      await(
          harness.edge.db.asService(
              sql ->
                  sql.preparedQuery(
                          "UPDATE sessions SET status = $2, ended_at = NULL WHERE id = $1")
                      .execute(io.vertx.sqlclient.Tuple.of(session, status))));
      anthropic.thenTool(modelAnswer());
      InternalClient.Reply reply =
          await(
              harness.internal.post(
                  AgentHandlersPaths.EVALUATE,
                  new JsonObject().put("sessionId", session.toString()),
                  "live-" + UUID.randomUUID()));
      assertThat(reply.status()).as(status).isEqualTo(409);
      assertThat(reply.body().getString("code")).isEqualTo("session_not_ended");
      assertThat(await(harness.evaluationRows(session))).as(status).isZero();
    }
  }

  private static String sign(String timestamp, String path, String key, Buffer body) {
    return InternalSignature.sign(
        AgentsHarness.SECRET, timestamp, "POST", path, key, body.getBytes());
  }

  /** Paths as the workers call them. */
  static final class AgentHandlersPaths {
    static final String OBSERVE = "/api/internal/agents/observe-code";
    static final String EVALUATE = "/api/internal/agents/evaluate";
  }
}
