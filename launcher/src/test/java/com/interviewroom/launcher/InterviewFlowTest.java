package com.interviewroom.launcher;

import static com.interviewroom.testkit.Await.await;
import static com.interviewroom.testkit.Eventually.poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.schema.ProblemBank;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The golden path of a real candidate through real sockets against the whole system ({@link
 * Launcher#start(Config)}): REST edge and realtime gateway on one port, the local simulated
 * interviewer, the in-process sandbox, the stream workers and the heuristic evaluator.
 */
class InterviewFlowTest extends SystemTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  // ---- the golden path ----

  @Test
  @DisplayName(
      "a candidate signs up, starts two-sum, talks to the simulated interviewer, submits an accepted solution, ends, and gets a heuristic evaluation")
  void goldenPath() throws Exception {
    String bearer = api.signup("flow").getString("accessToken");
    assertThat(credits(bearer)).as("the signup bonus").isEqualTo(3);

    // 1. start: one credit spent, a one-time socket token handed out
    HttpResponse<String> started =
        api.post(
            "/api/sessions/start",
            bearer,
            new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    JsonObject start = new JsonObject(started.body());
    String sessionId = start.getString("sessionId");
    assertThat(start.getString("wsToken")).isNotBlank();
    assertThat(start.getBoolean("creditCharged")).isTrue();
    assertThat(credits(bearer)).as("starting costs one credit").isEqualTo(2);

    // 2. the socket: sub-protocol selected, ready, timer, status, the interviewer greets in text
    // and audio
    Socket socket = connect(start.getString("wsToken"));
    assertThat(socket.ws.subProtocol()).isEqualTo("interview.v1");
    JsonObject ready = socket.await(m -> "session.ready".equals(m.getString("type")));
    assertThat(ready.getString("sessionId")).isEqualTo(sessionId);
    assertThat(ready.getLong("remainingMs")).isBetween(29 * 60_000L, 30 * 60_000L);
    assertThat(socket.await(m -> "timer".equals(m.getString("type"))).getLong("remainingMs"))
        .isPositive();
    assertThat(socket.await(m -> "status".equals(m.getString("type"))).getString("state"))
        .isIn("listening", "thinking", "speaking");
    JsonObject greeting = socket.await(m -> isTranscript(m, "assistant"));
    assertThat(greeting.getString("text"))
        .as("the local interviewer says what it is")
        .containsIgnoringCase("simulated");
    socket.awaitCondition("interviewer audio", () -> socket.binaryFrames.get() > 0);
    assertThat(socket.binaryLengths)
        .allSatisfy(len -> assertThat(len % 2).as("PCM16 frames have even length").isZero());
    // the provider is recorded right after the voice side connects, on its own write
    Row live =
        poll(
            "provider recorded", () -> sessionRow(sessionId), r -> r.getString("provider") != null);
    assertThat(live.getString("status")).isEqualTo("active");
    assertThat(live.getString("provider")).isEqualTo("local");

    // 3. the candidate speaks for 2 s (then 0.7 s of silence ends the turn): a user transcript,
    // then an answer
    int spokenAt = socket.messages.size();
    for (int i = 0; i < 27; i++) {
      socket.ws.writeBinaryMessage(i < 20 ? tone(i) : Buffer.buffer(new byte[4_800]));
      Thread.sleep(100);
    }
    JsonObject userTurn =
        socket.awaitAfter(spokenAt, m -> isTranscript(m, "user") && m.getBoolean("final"));
    assertThat(userTurn.getString("text"))
        .matches("\\(speech, \\d+\\.\\d s — no transcription without a provider key\\)");
    int userTurnAt = socket.indexOf(userTurn);
    JsonObject answer = socket.awaitAfter(userTurnAt, m -> isTranscript(m, "assistant"));
    assertThat(answer.getString("itemId")).isNotEqualTo(greeting.getString("itemId"));

    // 4. code in the editor, then a submit over REST: accepted, hidden tests without their inputs
    String solution = ProblemBank.load().bySlug("two-sum").orElseThrow().solutions().get("python");
    socket.ws.writeTextMessage(
        new JsonObject()
            .put("type", "code_edit")
            .put("code", solution)
            .put("language", "python")
            .encode());
    int submittedAt = socket.messages.size();
    HttpResponse<String> executed =
        api.post(
            "/api/sessions/" + sessionId + "/execute",
            bearer,
            new JsonObject().put("code", solution).put("language", "python").put("mode", "submit"));
    assertThat(executed.statusCode()).as(executed.body()).isEqualTo(200);
    JsonObject result = new JsonObject(executed.body());
    assertThat(result.getString("verdict")).as(executed.body()).isEqualTo("accepted");
    List<JsonObject> hidden = tests(result).stream().filter(t -> t.getBoolean("hidden")).toList();
    assertThat(hidden).as("submit runs the hidden tests").isNotEmpty();
    assertThat(hidden)
        .allSatisfy(
            t -> {
              assertThat(t.getBoolean("passed")).isTrue();
              assertThat(t.containsKey("input")).as("hidden inputs are never shown").isFalse();
              assertThat(t.containsKey("expected")).isFalse();
              assertThat(t.containsKey("actual")).isFalse();
            });
    JsonObject pushed =
        socket.awaitAfter(submittedAt, m -> "execution.result".equals(m.getString("type")));
    assertThat(pushed.getString("verdict")).isEqualTo("accepted");

    // 5. the candidate ends: session.ended, close 1000, a completed row and the final code
    int endAt = socket.messages.size();
    socket.ws.writeTextMessage(new JsonObject().put("type", "session.end").encode());
    JsonObject ended = socket.awaitAfter(endAt, m -> "session.ended".equals(m.getString("type")));
    assertThat(ended.getString("reason")).isEqualTo("ended_by_user");
    assertThat(socket.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo((short) 1000);
    Row done = sessionRow(sessionId);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("end_reason")).isEqualTo("ended_by_user");
    assertThat(done.getOffsetDateTime("ended_at")).isNotNull();
    assertThat(done.getInteger("duration_seconds")).isNotNull().isGreaterThanOrEqualTo(0);
    List<Row> finals =
        rows(
            "SELECT code, language FROM code_snapshots WHERE session_id = $1 AND snapshot_type = 'final'",
            sessionId);
    assertThat(finals).hasSize(1);
    assertThat(finals.get(0).getString("code")).isEqualTo(solution);

    // transcripts: the batcher flushes when the voice side closes
    List<Row> transcripts =
        poll(
            "transcripts persisted",
            () ->
                rows(
                    "SELECT role, text FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at",
                    sessionId),
            list ->
                list.stream().anyMatch(r -> "user".equals(r.getString("role")))
                    && list.stream().filter(r -> "assistant".equals(r.getString("role"))).count()
                        >= 2);
    assertThat(transcripts)
        .anySatisfy(r -> assertThat(r.getString("text")).containsIgnoringCase("simulated"));

    // 6. the evaluation: pending, then completed by the heuristic evaluator
    JsonObject evaluation =
        poll(
            "evaluation completed",
            () -> api.getJson("/api/sessions/" + sessionId + "/evaluation", bearer),
            e -> !"pending".equals(e.getString("status")));
    assertThat(evaluation.getString("status")).as(evaluation.encode()).isEqualTo("completed");
    assertThat(evaluation.getString("model")).isEqualTo("heuristic");
    assertThat(evaluation.getDouble("overallScore")).isBetween(0.0, 100.0);
    assertThat(evaluation.getJsonObject("scores")).isNotEmpty();
    assertThat(evaluation.getString("recommendation")).isNotBlank();
    JsonObject listed = api.getJson("/api/sessions", bearer);
    JsonObject item = listed.getJsonArray("items").getJsonObject(0);
    assertThat(item.getString("sessionId")).isEqualTo(sessionId);
    assertThat(item.getString("status")).isEqualTo("completed");
    assertThat(item.getString("evaluationStatus")).isEqualTo("completed");
    assertThat(item.getDouble("score")).isEqualTo(evaluation.getDouble("overallScore"));
  }

  @Test
  @DisplayName(
      "a replayed socket token is refused with 4001; a fresh token resumes the same session with its time and code")
  void replayAndResume() throws Exception {
    String bearer = api.signup("flow").getString("accessToken");
    JsonObject start =
        new JsonObject(
            api.post(
                    "/api/sessions/start",
                    bearer,
                    new JsonObject().put("problemSlug", "two-sum").put("language", "python"))
                .body());
    String sessionId = start.getString("sessionId");
    String token = start.getString("wsToken");

    Socket first = connect(token);
    JsonObject ready = first.await(m -> "session.ready".equals(m.getString("type")));
    String code = "def twoSum(nums, target):\n    return []  # " + UUID.randomUUID() + "\n";
    first.ws.writeTextMessage(
        new JsonObject()
            .put("type", "code_edit")
            .put("code", code)
            .put("language", "python")
            .encode());
    // a ping answered after the edit proves the edit was handled (frames are processed in order)
    first.ws.writeTextMessage(new JsonObject().put("type", "session.ping").encode());
    first.await(m -> "pong".equals(m.getString("type")));
    await(first.ws.close());
    first.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    Socket replayed = connect(token);
    assertThat(replayed.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("a replayed token")
        .isEqualTo((short) 4001);
    assertThat(replayed.messages).isEmpty();

    HttpResponse<String> fresh =
        api.post("/api/realtime/token", bearer, new JsonObject().put("sessionId", sessionId));
    assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
    Socket second = connect(new JsonObject(fresh.body()).getString("token"));
    JsonObject resumed = second.await(m -> "session.ready".equals(m.getString("type")));
    assertThat(resumed.getString("sessionId")).isEqualTo(sessionId);
    assertThat(resumed.getLong("remainingMs"))
        .as("the same deadline")
        .isCloseTo(ready.getLong("remainingMs"), org.assertj.core.data.Offset.offset(10_000L))
        .isLessThanOrEqualTo(ready.getLong("remainingMs"));
    assertThat(resumed.getString("code")).isEqualTo(code);
    assertThat(resumed.getString("language")).isEqualTo("python");
    assertThat(sessionRow(sessionId).getString("status")).isEqualTo("active");
    await(second.ws.close());
  }

  // ---- the socket ----

  /**
   * One client socket: every JSON message in arrival order, binary frame lengths, the close code.
   */
  private static final class Socket {
    final List<JsonObject> messages = new CopyOnWriteArrayList<>();
    final List<Integer> binaryLengths = new CopyOnWriteArrayList<>();
    final AtomicInteger binaryFrames = new AtomicInteger();
    final CompletableFuture<Short> closed = new CompletableFuture<>();
    WebSocket ws;

    JsonObject await(Predicate<JsonObject> match) throws InterruptedException {
      return awaitAfter(0, match);
    }

    JsonObject awaitAfter(int from, Predicate<JsonObject> match) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (int i = from; i < messages.size(); i++) {
          if (match.test(messages.get(i))) {
            return messages.get(i);
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no matching message within " + WAIT + "; got " + messages);
    }

    int indexOf(JsonObject message) {
      for (int i = 0; i < messages.size(); i++) {
        if (messages.get(i) == message) {
          return i;
        }
      }
      return -1;
    }

    void awaitCondition(String what, java.util.function.BooleanSupplier condition)
        throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no " + what + " within " + WAIT);
        }
        Thread.sleep(20);
      }
    }
  }

  /**
   * Opens {@code /ws} as a browser does; handlers are set in the connect callback, so no frame is
   * missed.
   */
  private Socket connect(String token) {
    Socket socket = new Socket();
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/ws")
            .setSubProtocols(List.of("interview.v1", token));
    socket.ws =
        await(
            wsClient
                .connect(options)
                .onSuccess(
                    ws -> {
                      ws.textMessageHandler(text -> socket.messages.add(new JsonObject(text)));
                      ws.binaryMessageHandler(
                          bytes -> {
                            socket.binaryFrames.incrementAndGet();
                            socket.binaryLengths.add(bytes.length());
                          });
                      ws.closeHandler(v -> socket.closed.complete(ws.closeStatusCode()));
                    }));
    return socket;
  }

  private static boolean isTranscript(JsonObject m, String role) {
    return "transcript".equals(m.getString("type")) && role.equals(m.getString("role"));
  }

  /** 100 ms of a 440 Hz tone at a speaking level, PCM16 LE mono 24 kHz (4,800 bytes). */
  private static Buffer tone(int frame) {
    Buffer pcm = Buffer.buffer(4_800);
    for (int i = 0; i < 2_400; i++) {
      long sample = (long) frame * 2_400 + i;
      pcm.appendShortLE((short) (8_000 * Math.sin(2 * Math.PI * 440 * sample / 24_000.0)));
    }
    return pcm;
  }

  private static List<JsonObject> tests(JsonObject result) {
    JsonArray tests = result.getJsonArray("tests");
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < tests.size(); i++) {
      out.add(tests.getJsonObject(i));
    }
    return out;
  }

  // ---- REST and the database ----

  private int credits(String bearer) throws Exception {
    return api.getJson("/api/users/profile", bearer).getInteger("credits");
  }

  private Row sessionRow(String sessionId) {
    return rows(
            "SELECT status, provider, end_reason, ended_at, duration_seconds FROM sessions WHERE id = $1",
            sessionId)
        .get(0);
  }

  private List<Row> rows(String sql, String sessionId) {
    RowSet<Row> rows =
        await(
            db.asService(c -> c.preparedQuery(sql).execute(Tuple.of(UUID.fromString(sessionId)))));
    List<Row> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }
}
