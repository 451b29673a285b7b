package com.interviewroom.realtime.voice.openai;

import com.interviewroom.realtime.audio.EnergyVad;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake OpenAI Realtime server (GA event shapes) on a real socket: bearer auth on the handshake,
 * {@code session.created}/{@code session.updated}, server VAD on the appended audio (energy based)
 * with speech_started/stopped, committed, the user's transcription, responses streamed as audio and
 * transcript deltas faster than real time, {@code response.cancel} and {@code
 * conversation.item.truncate} handling, {@code turn_detection.interrupt_response} as the session
 * asked for it, {@code rate_limits.updated}, and errors. Knobs make it reject handshakes (429 with
 * {@code Retry-After} included), fail with an error event, run out of its rate limit, start answers
 * late, or drop the socket after a number of responses. Strict like the real API: an unknown {@code
 * ?model=} gets an {@code error} {@code model_not_found} and the socket closes; a {@code
 * session.update} with a field the GA session does not have ({@code temperature} included), or any
 * client event that does not fit the SDK's shapes ({@code provider-shapes/openai-realtime.json}),
 * gets {@code unknown_parameter}; a commit of less than 100 ms of audio gets {@code
 * input_audio_buffer_commit_empty}; a manual commit creates the user item without answering (the
 * client asks with {@code response.create}); a response can be made to end {@code failed} with
 * {@code status_details.error}.
 */
public final class FakeOpenAiRealtime {
  public static final String KEY = "sk-test-fake";
  public static final String USER_SAYS = "I would use a hash map and one pass.";

  public record Received(long nanos, JsonObject message) {}

  /**
   * The Realtime models the real API knows (openai-python {@code
   * realtime_session_create_request_param.py}).
   */
  public static final Set<String> MODELS =
      Set.of(
          "gpt-realtime",
          "gpt-realtime-1.5",
          "gpt-realtime-2",
          "gpt-realtime-2.1",
          "gpt-realtime-2.1-mini",
          "gpt-realtime-2025-08-28",
          "gpt-realtime-mini",
          "gpt-realtime-mini-2025-10-06",
          "gpt-realtime-mini-2025-12-15",
          "gpt-4o-realtime-preview-2025-06-03");

  public final List<JsonObject> received = new CopyOnWriteArrayList<>();

  /** Every server event sent while {@link #recordSent} is on, for the shape pinning test. */
  public final List<JsonObject> sent = new CopyOnWriteArrayList<>();

  public volatile boolean recordSent;

  /**
   * When set, the next response ends {@code status: "failed"} with this {@code
   * status_details.error.code}.
   */
  public volatile String failNextResponse;

  /** The models the handshakes asked for. */
  public final List<String> modelsAsked = new CopyOnWriteArrayList<>();

  /** What {@link #received} holds, with arrival times. */
  public final List<Received> timeline = new CopyOnWriteArrayList<>();

  public final List<Long> handshakeNanos = new CopyOnWriteArrayList<>();

  /** {@code response.done} statuses in order: {@code completed} or {@code cancelled}. */
  public final List<String> responseStatuses = new CopyOnWriteArrayList<>();

  public final Set<ServerWebSocket> open = ConcurrentHashMap.newKeySet();
  public final AtomicInteger handshakes = new AtomicInteger();
  public final AtomicLong appendedBytes = new AtomicLong();

  /** Handshakes to refuse with {@link #rejectStatus} before accepting again. */
  public final AtomicInteger rejectNext = new AtomicInteger();

  public volatile int rejectStatus = 503;

  /** Sent as {@code Retry-After} (seconds) with rejected handshakes, when set. */
  public volatile String retryAfter;

  /** When set, session.update is answered with this error code and the socket closes. */
  public volatile String errorOnSessionUpdate;

  public volatile String errorMessage = "fake error";

  /** How many session.updates get {@link #errorOnSessionUpdate} before they succeed again. */
  public final AtomicInteger errorOnSessionUpdateTimes = new AtomicInteger(Integer.MAX_VALUE);

  /**
   * When > 0, every response.done is followed by a tokens limit with nothing remaining for this
   * long.
   */
  public volatile double exhaustedResetSeconds;

  public volatile long deltaIntervalMs = 20;

  /** How long after response.created the first audio delta comes. */
  public volatile long firstDeltaDelayMs;

  /** Close the socket abruptly after this many responses on one connection (0 = never). */
  public volatile int dropAfterResponses;

  public volatile int deltasPerResponse = 30;
  public volatile boolean betaNames;

  /**
   * Benchmark mode: every appended chunk comes straight back as an output audio delta; no VAD, no
   * greeting.
   */
  public volatile boolean echo;

  /** What the real API accepts: the client event shapes from the official SDK. */
  private static final com.interviewroom.testkit.ProviderShapes SHAPES =
      com.interviewroom.testkit.ProviderShapes.load("openai-realtime");

  private final Vertx vertx;
  private HttpServer server;

  public FakeOpenAiRealtime(Vertx vertx) {
    this.vertx = vertx;
  }

  public int start() {
    server = newServer();
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  /**
   * For load: {@code loops} verticle instances each listen on port 0, which Vert.x shares as one
   * random port, spreading the connections over their event loops.
   */
  public int startOnLoops(int loops) {
    AtomicInteger port = new AtomicInteger();
    vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    return newServer()
                        .listen(0, "127.0.0.1")
                        .onSuccess(s -> port.set(s.actualPort()));
                  }
                },
            new DeploymentOptions().setInstances(loops))
        .await();
    server =
        vertx
            .createHttpServer(); // close() has nothing of its own to close; undeploy stops the rest
    return port.get();
  }

  private HttpServer newServer() {
    return vertx
        .createHttpServer(
            new HttpServerOptions()
                .setMaxWebSocketFrameSize(16 * 1024 * 1024)
                .setMaxWebSocketMessageSize(16 * 1024 * 1024))
        // the upgrade is answered by hand so a refusal can carry headers (Retry-After), as OpenAI's
        // do
        .requestHandler(
            req -> {
              handshakes.incrementAndGet();
              handshakeNanos.add(System.nanoTime());
              if (!("Bearer " + KEY).equals(req.getHeader("Authorization"))) {
                req.response().setStatusCode(401).end();
              } else if (rejectNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                HttpServerResponse refusal = req.response().setStatusCode(rejectStatus);
                if (retryAfter != null) {
                  refusal.putHeader("retry-after", retryAfter);
                }
                refusal.end();
              } else {
                String model = req.getParam("model");
                modelsAsked.add(String.valueOf(model));
                req.toWebSocket().onSuccess(ws -> new Connection(ws, model).start());
              }
            });
  }

  public String url(int port) {
    return "ws://127.0.0.1:" + port + "/v1/realtime";
  }

  public List<JsonObject> received(String type) {
    return received.stream().filter(m -> type.equals(m.getString("type"))).toList();
  }

  public void close() {
    server.close().await();
  }

  private final class Connection {
    private final ServerWebSocket ws;
    private final String model;
    private final EnergyVad vad;

    /** Bytes appended since the buffer was last committed (by the VAD or the client). */
    private long buffered;

    private final AtomicLong events = new AtomicLong();

    /** Ids of the items the client created, as the server's conversation holds them. */
    private final Set<String> conversation = new java.util.HashSet<>();

    private int responses;
    private int items;
    private long streamTimer = -1;
    private String responseId;
    private String itemId;

    /** As the session asked in turn_detection; OpenAI's default is true. */
    private boolean interruptResponse = true;

    Connection(ServerWebSocket ws, String model) {
      this.ws = ws;
      this.model = model;
      this.vad =
          new EnergyVad(
              700,
              new EnergyVad.Listener() {
                @Override
                public void started() {
                  send(
                      new JsonObject()
                          .put("type", "input_audio_buffer.speech_started")
                          .put("audio_start_ms", 0)
                          .put("item_id", "item_user_" + items));
                  // turn_detection.interrupt_response: the server itself cancels the response in
                  // progress when the candidate starts speaking; the client's own response.cancel
                  // then finds
                  // no active response
                  if (interruptResponse && responseId != null) {
                    finish("cancelled");
                  }
                }

                @Override
                public void stopped(long speechMs) {
                  buffered = 0;
                  String userItem = "item_user_" + (items++);
                  send(
                      new JsonObject()
                          .put("type", "input_audio_buffer.speech_stopped")
                          .put("audio_end_ms", speechMs)
                          .put("item_id", userItem));
                  send(
                      new JsonObject()
                          .put("type", "input_audio_buffer.committed")
                          .put("item_id", userItem)
                          .put("previous_item_id", (Object) null));
                  send(
                      new JsonObject()
                          .put("type", "conversation.item.input_audio_transcription.completed")
                          .put("item_id", userItem)
                          .put("content_index", 0)
                          .put("transcript", USER_SAYS)
                          .put(
                              "usage",
                              new JsonObject().put("type", "duration").put("seconds", 1.5)));
                  respond("Good. What is the time complexity of that?");
                }
              });
    }

    void start() {
      open.add(ws);
      ws.closeHandler(
          v -> {
            open.remove(ws);
            stopStream();
          });
      ws.textMessageHandler(this::onMessage);
      if (model == null || !MODELS.contains(model)) {
        send(
            error(
                "invalid_request_error",
                "model_not_found",
                "The model '" + model + "' does not exist or you do not have access to it."));
        ws.close((short) 1008, "model_not_found");
        return;
      }
      send(
          new JsonObject()
              .put("type", "session.created")
              .put("event_id", "evt_0")
              .put(
                  "session",
                  new JsonObject()
                      .put("type", "realtime")
                      .put("model", model)
                      .put("output_modalities", new JsonArray().add("audio"))
                      .put("instructions", "")));
    }

    private void onMessage(String text) {
      String echoed = echo ? echoed(text) : null;
      if (echoed != null) {
        if (!ws.isClosed()) {
          ws.writeTextMessage(echoed);
        }
        return;
      }
      JsonObject m = new JsonObject(text);
      String type = m.getString("type");
      if (!"input_audio_buffer.append".equals(type)) {
        received.add(m);
        timeline.add(new Received(System.nanoTime(), m));
      }
      List<String> wrong = SHAPES.violations("client:" + type, m);
      if (!wrong.isEmpty()) {
        send(
            error(
                "invalid_request_error",
                wrong.get(0).contains("not a field")
                    ? "unknown_parameter"
                    : "missing_required_parameter",
                "Invalid request: " + wrong.get(0)));
        return;
      }
      switch (type) {
        case "session.update" -> {
          JsonObject turnDetection =
              m.getJsonObject("session", new JsonObject())
                  .getJsonObject("audio", new JsonObject())
                  .getJsonObject("input", new JsonObject())
                  .getJsonObject("turn_detection", new JsonObject());
          interruptResponse = turnDetection.getBoolean("interrupt_response", true);
          if (errorOnSessionUpdate != null && errorOnSessionUpdateTimes.getAndDecrement() > 0) {
            send(
                new JsonObject()
                    .put("type", "error")
                    .put("event_id", "evt_err")
                    .put(
                        "error",
                        new JsonObject()
                            .put("type", "invalid_request_error")
                            .put("code", errorOnSessionUpdate)
                            .put("message", errorMessage)));
            ws.close((short) 1008, errorOnSessionUpdate);
          } else {
            send(
                new JsonObject()
                    .put("type", "session.updated")
                    .put("session", m.getJsonObject("session")));
          }
        }
        case "input_audio_buffer.append" -> {
          if (echo) {
            send(
                new JsonObject()
                    .put("type", "response.output_audio.delta")
                    .put("response_id", "resp_echo")
                    .put("item_id", "item_echo")
                    .put("output_index", 0)
                    .put("content_index", 0)
                    .put("delta", m.getString("audio")));
            return;
          }
          byte[] audio = Base64.getDecoder().decode(m.getString("audio"));
          appendedBytes.addAndGet(audio.length);
          buffered += audio.length;
          vad.accept(Buffer.buffer(audio));
        }
        case "input_audio_buffer.commit" -> {
          if (buffered < 4_800) {
            send(
                error(
                    "invalid_request_error",
                    "input_audio_buffer_commit_empty",
                    String.format(
                        java.util.Locale.ROOT,
                        "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has %.2fms of audio.",
                        buffered / 48.0)));
            return;
          }
          buffered = 0;
          String userItem = "item_user_" + (items++);
          send(
              new JsonObject()
                  .put("type", "input_audio_buffer.committed")
                  .put("item_id", userItem)
                  .put("previous_item_id", (Object) null));
          send(
              new JsonObject()
                  .put("type", "conversation.item.input_audio_transcription.completed")
                  .put("item_id", userItem)
                  .put("content_index", 0)
                  .put("transcript", USER_SAYS)
                  .put("usage", new JsonObject().put("type", "duration").put("seconds", 1.5)));
        }
        case "conversation.item.create" -> {
          JsonObject item = m.getJsonObject("item").copy();
          if (item.getString("id") == null) {
            item.put("id", "item_ctx_" + (items++));
          }
          if (!conversation.add(item.getString("id"))) {
            send(
                error(
                    "invalid_request_error",
                    "item_already_exists",
                    "Item with id '" + item.getString("id") + "' already exists."));
            return;
          }
          send(
              new JsonObject()
                  .put("type", betaNames ? "conversation.item.created" : "conversation.item.added")
                  .put("previous_item_id", (Object) null)
                  .put("item", item));
        }
        case "conversation.item.delete" -> {
          if (conversation.remove(m.getString("item_id"))) {
            send(
                new JsonObject()
                    .put("type", "conversation.item.deleted")
                    .put("item_id", m.getString("item_id")));
          } else {
            send(
                error(
                    "invalid_request_error",
                    "item_not_found",
                    "Item with item_id not found: " + m.getString("item_id")));
          }
        }
        case "response.create" -> {
          if (!echo) {
            respond(
                "Hello, I'm your interviewer today. Could you start by explaining your approach to the problem?");
          }
        }
        case "response.cancel" -> {
          String wanted = m.getString("response_id");
          if (responseId == null || (wanted != null && !wanted.equals(responseId))) {
            send(
                error("invalid_request_error", "response_cancel_not_active", "no active response"));
          } else {
            finish("cancelled");
          }
        }
        case "conversation.item.truncate" ->
            send(
                new JsonObject()
                    .put("type", "conversation.item.truncated")
                    .put("item_id", m.getString("item_id"))
                    .put("content_index", 0)
                    .put("audio_end_ms", m.getLong("audio_end_ms")));
        default -> {}
      }
    }

    private void respond(String transcript) {
      if (responseId != null) {
        send(
            error(
                "invalid_request_error",
                "conversation_already_has_active_response",
                "active response in progress"));
        return;
      }
      responseId = "resp_" + (++responses);
      itemId = "item_asst_" + responses;
      send(
          new JsonObject()
              .put("type", "response.created")
              .put(
                  "response", new JsonObject().put("id", responseId).put("status", "in_progress")));
      send(
          new JsonObject()
              .put("type", "response.output_item.added")
              .put("response_id", responseId)
              .put("output_index", 0)
              .put(
                  "item",
                  new JsonObject()
                      .put("id", itemId)
                      .put("type", "message")
                      .put("role", "assistant")
                      .put("status", "in_progress")
                      .put("content", new JsonArray())));
      String[] words = transcript.split(" ");
      AtomicInteger n = new AtomicInteger();
      int total = deltasPerResponse;
      long delay = firstDeltaDelayMs;
      if (delay > 0) {
        streamTimer = vertx.setTimer(delay, id -> stream(transcript, words, n, total));
      } else {
        stream(transcript, words, n, total);
      }
    }

    private void stream(String transcript, String[] words, AtomicInteger n, int total) {
      streamTimer =
          vertx.setPeriodic(
              deltaIntervalMs,
              id -> {
                int i = n.getAndIncrement();
                if (i >= total) {
                  send(
                      new JsonObject()
                          .put(
                              "type",
                              betaNames
                                  ? "response.audio_transcript.done"
                                  : "response.output_audio_transcript.done")
                          .put("response_id", responseId)
                          .put("item_id", itemId)
                          .put("output_index", 0)
                          .put("content_index", 0)
                          .put("transcript", transcript));
                  finish("completed");
                  return;
                }
                send(
                    new JsonObject()
                        .put(
                            "type",
                            betaNames ? "response.audio.delta" : "response.output_audio.delta")
                        .put("response_id", responseId)
                        .put("item_id", itemId)
                        .put("output_index", 0)
                        .put("content_index", 0)
                        .put("delta", Base64.getEncoder().encodeToString(tone(i))));
                if (i < words.length) {
                  send(
                      new JsonObject()
                          .put(
                              "type",
                              betaNames
                                  ? "response.audio_transcript.delta"
                                  : "response.output_audio_transcript.delta")
                          .put("response_id", responseId)
                          .put("item_id", itemId)
                          .put("output_index", 0)
                          .put("content_index", 0)
                          .put("delta", (i == 0 ? "" : " ") + words[i]));
                }
              });
    }

    private void finish(String completedOrCancelled) {
      stopStream();
      String failure = "completed".equals(completedOrCancelled) ? failNextResponse : null;
      failNextResponse = null;
      String status = failure != null ? "failed" : completedOrCancelled;
      JsonObject details =
          failure == null
              ? null
              : new JsonObject()
                  .put("type", "failed")
                  .put("error", new JsonObject().put("type", failure).put("code", failure));
      send(
          new JsonObject()
              .put("type", "response.done")
              .put(
                  "response",
                  new JsonObject()
                      .put("id", responseId)
                      .put("object", "realtime.response")
                      .put("status", status)
                      .put("status_details", details)
                      .put(
                          "output",
                          new JsonArray()
                              .add(
                                  new JsonObject()
                                      .put("id", itemId)
                                      .put("type", "message")
                                      .put("role", "assistant")
                                      .put(
                                          "content",
                                          new JsonArray()
                                              .add(new JsonObject().put("type", "output_audio")))))
                      .put(
                          "usage",
                          new JsonObject()
                              .put("total_tokens", 150)
                              .put("input_tokens", 100)
                              .put("output_tokens", 50)
                              .put(
                                  "input_token_details",
                                  new JsonObject()
                                      .put("text_tokens", 90)
                                      .put("audio_tokens", 10)))));
      responseStatuses.add(status);
      double exhausted = exhaustedResetSeconds;
      send(
          new JsonObject()
              .put("type", "rate_limits.updated")
              .put(
                  "rate_limits",
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("name", "requests")
                              .put("limit", 1000)
                              .put("remaining", 999)
                              .put("reset_seconds", 60))
                      .add(
                          new JsonObject()
                              .put("name", "tokens")
                              .put("limit", 50000)
                              .put("remaining", exhausted > 0 ? 0 : 49000)
                              .put("reset_seconds", exhausted > 0 ? exhausted : 1.5))));
      responseId = null;
      if (dropAfterResponses > 0 && responses >= dropAfterResponses) {
        ws.close((short) 1011, "internal error");
      }
    }

    private void stopStream() {
      if (streamTimer >= 0) {
        vertx.cancelTimer(streamTimer);
        streamTimer = -1;
      }
    }

    private JsonObject error(String type, String code, String message) {
      return new JsonObject()
          .put("type", "error")
          .put(
              "error",
              new JsonObject().put("type", type).put("code", code).put("message", message));
    }

    private void send(JsonObject m) {
      if (!m.containsKey("event_id")) {
        m.put("event_id", "event_" + events.incrementAndGet()); // every server event carries one
      }
      if (recordSent) {
        sent.add(m);
      }
      if (!ws.isClosed()) {
        ws.writeTextMessage(m.encode());
      }
    }
  }

  private static final String COMPACT_APPEND =
      "{\"type\":\"input_audio_buffer.append\",\"audio\":\"";
  private static final String ECHO_DELTA =
      "{\"type\":\"response.output_audio.delta\",\"response_id\":\"resp_echo\","
          + "\"item_id\":\"item_echo\",\"output_index\":0,\"content_index\":0,\"delta\":\"";

  /**
   * Echo mode's answer to an append in the compact form the gateway writes ({@code
   * {"type":"input_audio_buffer.append","audio":"<base64>"}}), built without a JSON round trip so
   * that under benchmark load the fake's CPU stays small next to the server's; null for any other
   * text, which takes the JSON path.
   */
  static String echoed(String text) {
    if (!text.startsWith(COMPACT_APPEND) || !text.endsWith("\"}")) {
      return null;
    }
    String audio = text.substring(COMPACT_APPEND.length(), text.length() - 2);
    return audio.indexOf('"') < 0 && audio.indexOf('\\') < 0 ? ECHO_DELTA + audio + "\"}" : null;
  }

  /**
   * 100 ms of a quiet 300 Hz tone at 24 kHz: audible in tests, below the VAD threshold is
   * irrelevant here.
   */
  static byte[] tone(int chunk) {
    Buffer b = Buffer.buffer(4_800);
    for (int i = 0; i < 2_400; i++) {
      int t = chunk * 2_400 + i;
      b.appendShortLE((short) (3000 * Math.sin(2 * Math.PI * 300 * t / 24_000.0)));
    }
    return b.getBytes();
  }
}
