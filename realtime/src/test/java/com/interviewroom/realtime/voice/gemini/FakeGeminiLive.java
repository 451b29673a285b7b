package com.interviewroom.realtime.voice.gemini;

import com.interviewroom.realtime.audio.EnergyVad;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake Gemini Live {@code BidiGenerateContent} endpoint on a real socket: the key in the {@code
 * x-goog-api-key} header (a key in the URL is refused, so it never reaches access logs), {@code
 * setup} → {@code setupComplete}, every server message as JSON in a BINARY frame (as Gemini sends
 * them), server VAD on 16 kHz {@code realtimeInput.audio} with {@code interrupted} when the
 * candidate talks over the model, model turns as 24 kHz {@code inlineData} with output
 * transcription, {@code turnComplete} with {@code usageMetadata}, {@code sessionResumptionUpdate}
 * handles (after {@code setupComplete} and after every turn), {@code goAway} on demand, and errors
 * as close frames (invalid key: 1008; rate limits: 1011 {@code RESOURCE_EXHAUSTED}). The log
 * records handshakes, what the client sent, {@code setupComplete}, {@code goAway} and closes, with
 * times. Strict like the real service: an unknown model closes 1008 "... is not found ..."; an
 * audio session without {@code contextWindowCompression} ends at {@link #audioSessionLimitMs} (15
 * min); every connection gets {@code goAway} {@link #goAwayBeforeMs} before {@link
 * #connectionLimitMs} (10 min) and is closed then; {@code clientContent} with {@code turnComplete:
 * true} interrupts a generation in progress; the candidate's transcription arrives in two pieces,
 * the second after the model turn has begun (Gemini does not order them); {@code
 * realtimeInput.text} is context that does not interrupt.
 */
public final class FakeGeminiLive {
  public static final String KEY = "gm-test-fake";
  public static final String USER_SAYS = "I'd sort the array and use two pointers.";
  public static final String GREETING =
      "Hi, welcome! Could you explain your approach to the problem first?";

  public record Event(long nanos, String what, JsonObject message) {}

  public final List<Event> log = new CopyOnWriteArrayList<>();
  public final Set<ServerWebSocket> open = ConcurrentHashMap.newKeySet();
  public final AtomicInteger handshakes = new AtomicInteger();
  public final AtomicLong audioBytes16k = new AtomicLong();
  public final AtomicInteger interruptions = new AtomicInteger();
  public final AtomicInteger rejectNext = new AtomicInteger();
  public volatile int dropAfterResponses;
  public volatile int chunksPerTurn = 30;

  /** Setups to refuse with close 1011 {@link #RATE_LIMITED} before accepting again. */
  public final AtomicInteger rateLimitNext = new AtomicInteger();

  /** How long a resumed setup (one with a handle) waits for its {@code setupComplete}. */
  public volatile long resumedSetupDelayMs;

  public static final String RATE_LIMITED =
      "RESOURCE_EXHAUSTED: Quota exceeded for metric 'Generate Content API requests per minute'. Please retry in 1.2s.";

  /**
   * Live models the fake knows (the shut-down {@code gemini-live-2.5-flash-preview} is not one of
   * them).
   */
  public static final Set<String> MODELS =
      Set.of(
          "models/gemini-2.5-flash-native-audio-preview-12-2025",
          "models/gemini-2.5-flash-native-audio-preview-09-2025",
          "models/gemini-3.1-flash-live-preview");

  public volatile long audioSessionLimitMs = 15 * 60_000;
  public volatile long connectionLimitMs = 10 * 60_000;
  public volatile long goAwayBeforeMs = 5_000;

  /** Every server message sent while {@link #recordSent} is on, for the shape pinning test. */
  public final List<JsonObject> sent = new CopyOnWriteArrayList<>();

  public volatile boolean recordSent;

  /**
   * What the real service accepts: the shapes of {@code LiveClientMessage} from the official SDK.
   */
  private static final com.interviewroom.testkit.ProviderShapes SHAPES =
      com.interviewroom.testkit.ProviderShapes.load("gemini-live");

  private final Vertx vertx;
  private HttpServer server;
  private final AtomicInteger handles = new AtomicInteger();

  public FakeGeminiLive(Vertx vertx) {
    this.vertx = vertx;
  }

  public int start() {
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setMaxWebSocketFrameSize(16 * 1024 * 1024)
                    .setMaxWebSocketMessageSize(16 * 1024 * 1024))
            .webSocketHandshakeHandler(
                hs -> {
                  handshakes.incrementAndGet();
                  log.add(new Event(System.nanoTime(), "handshake", null));
                  if (rejectNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    hs.reject(503);
                  } else {
                    hs.accept();
                  }
                })
            .webSocketHandler(
                ws ->
                    new Connection(
                            ws,
                            KEY.equals(ws.headers().get("x-goog-api-key"))
                                && (ws.query() == null || !ws.query().contains("key=")))
                        .start());
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  public String url(int port) {
    return "ws://127.0.0.1:"
        + port
        + "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
  }

  public List<JsonObject> received(String key) {
    return log.stream()
        .filter(e -> e.message() != null && e.message().containsKey(key))
        .map(Event::message)
        .toList();
  }

  /** Tells every connected client the server will go away in {@code timeLeft} (e.g. "2s"). */
  public void goAwayAll(String timeLeft) {
    log.add(new Event(System.nanoTime(), "goAway", null));
    JsonObject goAway = new JsonObject().put("goAway", new JsonObject().put("timeLeft", timeLeft));
    if (recordSent) {
      sent.add(goAway);
    }
    open.forEach(ws -> ws.writeBinaryMessage(Buffer.buffer(goAway.encode())));
  }

  /** Closes every connection the way Gemini reports an error mid-session. */
  public void closeAll(short code, String reason) {
    open.forEach(ws -> ws.close(code, reason));
  }

  /** The newest session-resumption handle handed out. */
  public String lastHandle() {
    return "handle-" + handles.get();
  }

  public List<Event> events(String what) {
    return log.stream().filter(e -> e.what().equals(what)).toList();
  }

  public void close() {
    server.close().await();
  }

  private final class Connection {
    private final ServerWebSocket ws;
    private final boolean authorised;
    private final EnergyVad vad;
    private long streamTimer = -1;
    private int turns;
    private long limitTimer = -1;
    private long goAwayTimer = -1;

    Connection(ServerWebSocket ws, boolean authorised) {
      this.ws = ws;
      this.authorised = authorised;
      // the fake's "server VAD": 16 kHz audio, so its 480-sample frames are 30 ms
      this.vad =
          new EnergyVad(
              700,
              new EnergyVad.Listener() {
                @Override
                public void started() {
                  if (streamTimer >= 0) {
                    stopStream();
                    interruptions.incrementAndGet();
                    send(
                        new JsonObject()
                            .put("serverContent", new JsonObject().put("interrupted", true)));
                  }
                }

                @Override
                public void stopped(long speechMs) {
                  int half = USER_SAYS.indexOf(' ', USER_SAYS.length() / 2);
                  send(
                      new JsonObject()
                          .put(
                              "serverContent",
                              new JsonObject()
                                  .put(
                                      "inputTranscription",
                                      new JsonObject().put("text", USER_SAYS.substring(0, half)))));
                  respond(
                      "Nice. What is the time complexity of sorting first?",
                      USER_SAYS.substring(half));
                }
              });
    }

    void start() {
      open.add(ws);
      ws.closeHandler(
          v -> {
            open.remove(ws);
            log.add(new Event(System.nanoTime(), "closed", null));
            stopStream();
            cancel(limitTimer);
            cancel(goAwayTimer);
          });
      ws.textMessageHandler(this::onMessage);
      ws.binaryMessageHandler(b -> onMessage(b.toString(StandardCharsets.UTF_8)));
    }

    private void onMessage(String text) {
      JsonObject m = new JsonObject(text);
      JsonObject rt = m.getJsonObject("realtimeInput");
      if (rt != null && rt.getJsonObject("audio") != null) {
        JsonObject audio = rt.getJsonObject("audio");
        if (!"audio/pcm;rate=16000".equals(audio.getString("mimeType"))) {
          ws.close((short) 1007, "Request contains an invalid argument.");
          return;
        }
        byte[] pcm = Base64.getDecoder().decode(audio.getString("data"));
        audioBytes16k.addAndGet(pcm.length);
        vad.accept(Buffer.buffer(pcm));
        return;
      }
      log.add(new Event(System.nanoTime(), "message", m));
      List<String> wrong = SHAPES.violations("client", m);
      if (!wrong.isEmpty()) {
        // as the real service answers a field it does not know: the socket closes with the reason
        ws.close((short) 1007, "Invalid JSON payload received. " + wrong.get(0));
        return;
      }
      if (m.containsKey("setup")) {
        if (!authorised) {
          ws.close((short) 1008, "API key not valid. Please pass a valid API key.");
          return;
        }
        JsonObject setup = m.getJsonObject("setup");
        String model = setup.getString("model");
        if (!MODELS.contains(model)) {
          ws.close(
              (short) 1008,
              model
                  + " is not found for API version v1beta, or is not supported for bidiGenerateContent.");
          return;
        }
        if (!setup.containsKey("contextWindowCompression")) {
          limitTimer =
              vertx.setTimer(
                  audioSessionLimitMs,
                  id -> ws.close((short) 1011, "Session duration limit reached."));
        }
        goAwayTimer =
            vertx.setTimer(
                Math.max(1, connectionLimitMs - goAwayBeforeMs),
                id -> {
                  log.add(new Event(System.nanoTime(), "goAway", null));
                  send(
                      new JsonObject()
                          .put(
                              "goAway",
                              new JsonObject().put("timeLeft", (goAwayBeforeMs / 1000.0) + "s")));
                  goAwayTimer =
                      vertx.setTimer(
                          Math.max(1, goAwayBeforeMs),
                          id2 -> ws.close((short) 1000, "connection lifetime reached"));
                });
        if (rateLimitNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          ws.close((short) 1011, RATE_LIMITED);
          return;
        }
        boolean resumed =
            m.getJsonObject("setup")
                .getJsonObject("sessionResumption", new JsonObject())
                .containsKey("handle");
        long delay = resumed ? resumedSetupDelayMs : 0;
        if (delay > 0) {
          vertx.setTimer(delay, id -> setupComplete());
        } else {
          setupComplete();
        }
        return;
      }
      JsonObject content = m.getJsonObject("clientContent");
      if (content != null && content.getBoolean("turnComplete", false)) {
        if (streamTimer >= 0) {
          // a complete client turn interrupts the generation in progress, as the real service does
          stopStream();
          interruptions.incrementAndGet();
          send(new JsonObject().put("serverContent", new JsonObject().put("interrupted", true)));
        }
        respond(GREETING, null);
      }
      if (rt != null && rt.getString("text") != null && streamTimer < 0) {
        respond(
            "Thanks, noted.",
            null); // realtime text is heard like speech, without cutting the model off
      }
    }

    private void setupComplete() {
      log.add(new Event(System.nanoTime(), "setupComplete", null));
      send(new JsonObject().put("setupComplete", new JsonObject()));
      sendHandle();
    }

    private void sendHandle() {
      if (ws.isClosed()) {
        return;
      }
      send(
          new JsonObject()
              .put(
                  "sessionResumptionUpdate",
                  new JsonObject()
                      .put("newHandle", "handle-" + handles.incrementAndGet())
                      .put("resumable", true)));
    }

    private void respond(String transcript, String lateUserText) {
      stopStream();
      String[] words = transcript.split(" ");
      AtomicInteger n = new AtomicInteger();
      int total = chunksPerTurn;
      streamTimer =
          vertx.setPeriodic(
              20,
              id -> {
                int i = n.getAndIncrement();
                if (i >= total) {
                  stopStream();
                  turns++;
                  send(
                      new JsonObject()
                          .put("serverContent", new JsonObject().put("generationComplete", true)));
                  send(
                      new JsonObject()
                          .put("serverContent", new JsonObject().put("turnComplete", true))
                          .put(
                              "usageMetadata",
                              new JsonObject()
                                  .put("promptTokenCount", 120)
                                  .put("responseTokenCount", 40)
                                  .put("totalTokenCount", 160)));
                  sendHandle();
                  if (dropAfterResponses > 0 && turns >= dropAfterResponses) {
                    ws.close((short) 1011, "Internal error encountered.");
                  }
                  return;
                }
                JsonObject serverContent =
                    new JsonObject()
                        .put(
                            "modelTurn",
                            new JsonObject()
                                .put(
                                    "parts",
                                    new JsonArray()
                                        .add(
                                            new JsonObject()
                                                .put(
                                                    "inlineData",
                                                    new JsonObject()
                                                        .put("mimeType", "audio/pcm;rate=24000")
                                                        .put(
                                                            "data",
                                                            Base64.getEncoder()
                                                                .encodeToString(tone(i)))))));
                if (i < words.length) {
                  serverContent.put(
                      "outputTranscription",
                      new JsonObject().put("text", (i == 0 ? "" : " ") + words[i]));
                }
                send(new JsonObject().put("serverContent", serverContent));
                if (i == 0 && lateUserText != null) {
                  send(
                      new JsonObject()
                          .put(
                              "serverContent",
                              new JsonObject()
                                  .put(
                                      "inputTranscription",
                                      new JsonObject().put("text", lateUserText))));
                }
              });
    }

    private void cancel(long timer) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }

    private void stopStream() {
      if (streamTimer >= 0) {
        vertx.cancelTimer(streamTimer);
        streamTimer = -1;
      }
    }

    private void send(JsonObject m) {
      if (recordSent) {
        sent.add(m);
      }
      if (!ws.isClosed()) {
        ws.writeBinaryMessage(Buffer.buffer(m.encode()));
      }
    }
  }

  static byte[] tone(int chunk) {
    Buffer b = Buffer.buffer(4_800);
    for (int i = 0; i < 2_400; i++) {
      int t = chunk * 2_400 + i;
      b.appendShortLE((short) (3000 * Math.sin(2 * Math.PI * 250 * t / 24_000.0)));
    }
    return b.getBytes();
  }
}
