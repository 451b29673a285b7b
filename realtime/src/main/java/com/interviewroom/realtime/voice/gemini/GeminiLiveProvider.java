package com.interviewroom.realtime.voice.gemini;

import com.interviewroom.realtime.audio.EnergyVad;
import com.interviewroom.realtime.audio.Resampler;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.InterviewerInstructions;
import com.interviewroom.realtime.voice.ProviderException;
import com.interviewroom.realtime.voice.VoiceEvent;
import com.interviewroom.realtime.voice.VoiceEvents;
import com.interviewroom.realtime.voice.VoiceProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini Live ({@code BidiGenerateContent}) over a WebSocket. Candidate audio is resampled to 16
 * kHz with a real low-pass filter; model audio arrives at 24 kHz and passes through untouched.
 * Server JSON comes in binary frames. Gemini has no speech-start event and no cancel, so a local
 * energy VAD reports the candidate's speech, and after a barge-in the rest of the interrupted
 * turn's audio is dropped. On {@code goAway} the provider closes the old socket and resumes on a
 * new one with the latest session-resumption handle before the server's deadline.
 */
public final class GeminiLiveProvider implements VoiceProvider {
  public static final String NAME = "gemini";

  /**
   * Sent with the handshake, as the official SDK does ({@code google/genai/_api_client.py}); never
   * in the URL.
   */
  static final String KEY_HEADER = "x-goog-api-key";

  private static final double VAD_THRESHOLD = 700;
  private static final int HELD_MAX_BYTES = 5 * 1000 * 32; // 5 s at 16 kHz while resuming

  private final WebSocketClient client;
  private final String url;
  private final String apiKey;
  private final String model;
  private final Resampler resampler = new Resampler();

  /**
   * What the bridge sent while resuming (audio, notes, commits), in order, for the new socket once
   * it is set up.
   */
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  private int heldBytes;
  private InterviewContext context;
  private VoiceEvents events;
  private EnergyVad vad;
  private WebSocket ws;
  private Promise<Void> ready;
  private boolean connected;
  private boolean closing;
  private boolean resuming;
  private boolean closedEmitted;
  private String resumptionHandle;
  private int turns;
  private String modelItem;
  private StringBuilder modelText = new StringBuilder();
  private String userItem;
  private StringBuilder userText = new StringBuilder();

  /**
   * The candidate's last turn, already finished because the model began answering. Gemini does not
   * order transcriptions relative to the model turn, so late pieces of it still arrive; they join
   * this item until the candidate starts speaking again.
   */
  private String lateUserItem;

  private StringBuilder lateUserText = new StringBuilder();

  /** The model's last finished turn, which late output transcription pieces join. */
  private String lateModelItem;

  private StringBuilder lateModelText = new StringBuilder();
  private boolean dropping;
  private JsonObject pendingUsage = new JsonObject();

  private record Held(JsonObject message, int audioBytes) {}

  public GeminiLiveProvider(WebSocketClient client, String url, String apiKey, String model) {
    this.client = client;
    this.url = url;
    this.apiKey = apiKey;
    this.model = model.startsWith("models/") ? model : "models/" + model;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Void> connect(InterviewContext context, VoiceEvents events) {
    this.context = context;
    this.events = events;
    this.vad =
        new EnergyVad(
            VAD_THRESHOLD,
            new EnergyVad.Listener() {
              @Override
              public void started() {
                // a new utterance: late transcription pieces no longer belong to the previous turn
                lateUserItem = null;
                lateUserText = new StringBuilder();
                emit(new VoiceEvent.SpeechStarted());
              }

              @Override
              public void stopped(long speechMs) {
                emit(new VoiceEvent.SpeechStopped());
              }
            });
    return open(null)
        .onSuccess(
            v -> {
              connected = true;
              restore();
            });
  }

  /** Opens a socket and sends {@code setup}; completes on {@code setupComplete}. */
  private Future<Void> open(String handle) {
    Promise<Void> setupDone = Promise.promise();
    ready = setupDone;
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setAbsoluteURI(url).addHeader(KEY_HEADER, apiKey);
    return client
        .connect(options)
        .recover(err -> Future.failedFuture(classifyUpgrade(err)))
        .compose(
            socket -> {
              if (closing) {
                return socket
                    .close()
                    .transform(
                        ar ->
                            Future.failedFuture(
                                ProviderException.transientFailure(
                                    "closed", "closed while connecting")));
              }
              ws = socket;
              socket.binaryMessageHandler(
                  b -> onMessage(socket, b.toString(StandardCharsets.UTF_8)));
              socket.textMessageHandler(t -> onMessage(socket, t));
              socket.exceptionHandler(err -> {});
              socket.closeHandler(
                  v -> onClose(socket, socket.closeStatusCode(), socket.closeReason()));
              socket.writeTextMessage(setup(context, model, handle).encode());
              return setupDone.future();
            });
  }

  /**
   * {@code contextWindowCompression} (a sliding window) lifts the 15-minute limit of audio
   * sessions; {@code sessionResumption} hands out handles (valid 2 h) so a {@code goAway} or a
   * dropped connection continues the same conversation on a new socket.
   */
  static JsonObject setup(InterviewContext context, String model, String handle) {
    JsonObject resumption = new JsonObject();
    if (handle != null) {
      resumption.put("handle", handle);
    }
    return new JsonObject()
        .put(
            "setup",
            new JsonObject()
                .put("model", model)
                .put(
                    "generationConfig",
                    new JsonObject().put("responseModalities", new JsonArray().add("AUDIO")))
                .put(
                    "systemInstruction",
                    new JsonObject()
                        .put(
                            "parts",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("text", InterviewerInstructions.build(context)))))
                .put("inputAudioTranscription", new JsonObject())
                .put("outputAudioTranscription", new JsonObject())
                .put(
                    "contextWindowCompression",
                    new JsonObject().put("slidingWindow", new JsonObject()))
                .put("sessionResumption", resumption));
  }

  private void restore() {
    if (context.history().isEmpty()) {
      send(
          userTurn("The candidate has joined the call. Greet them and begin the interview.", true));
      return;
    }
    JsonArray turnsSoFar = new JsonArray();
    for (InterviewContext.TranscriptLine line : context.history()) {
      String role = "assistant".equals(line.role()) ? "model" : "user";
      String text = "system".equals(line.role()) ? "[note] " + line.text() : line.text();
      turnsSoFar.add(
          new JsonObject()
              .put("role", role)
              .put("parts", new JsonArray().add(new JsonObject().put("text", text))));
    }
    send(
        new JsonObject()
            .put(
                "clientContent",
                new JsonObject().put("turns", turnsSoFar).put("turnComplete", false)));
  }

  private static JsonObject userTurn(String text, boolean complete) {
    return new JsonObject()
        .put(
            "clientContent",
            new JsonObject()
                .put(
                    "turns",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("role", "user")
                                .put(
                                    "parts",
                                    new JsonArray().add(new JsonObject().put("text", text)))))
                .put("turnComplete", complete));
  }

  @Override
  public void sendAudio(Buffer pcm16At24k) {
    if (closing) {
      return;
    }
    vad.accept(pcm16At24k);
    Buffer pcm16k = resampler.process(pcm16At24k);
    if (pcm16k.length() == 0) {
      return;
    }
    JsonObject message =
        new JsonObject()
            .put(
                "realtimeInput",
                new JsonObject()
                    .put(
                        "audio",
                        new JsonObject()
                            .put("data", Base64.getEncoder().encodeToString(pcm16k.getBytes()))
                            .put("mimeType", "audio/pcm;rate=16000")));
    sendOrHold(message, pcm16k.length());
  }

  @Override
  public void commit() {
    sendOrHold(
        new JsonObject().put("realtimeInput", new JsonObject().put("audioStreamEnd", true)), 0);
  }

  @Override
  public void cancel(long playedMs) {
    // Gemini stops generating when it hears the candidate; what is still in flight must not play
    if (modelItem != null) {
      dropping = true;
    }
  }

  /**
   * As realtime text: {@code clientContent} with {@code turnComplete: true} would interrupt the
   * model mid-sentence (and read as a barge-in). The bridge never calls this while the candidate
   * speaks.
   */
  @Override
  public void inject(ContextNote note) {
    if (note.silent()) {
      // context without a turn: turnComplete false neither interrupts nor asks for an answer
      sendOrHold(userTurn(note.text(), false), 0);
      return;
    }
    sendOrHold(
        new JsonObject()
            .put(
                "realtimeInput",
                new JsonObject()
                    .put(
                        "text",
                        "[note for the interviewer, use naturally, do not read aloud] "
                            + note.text())),
        0);
  }

  /**
   * While resuming there is no socket, then one that is not set up yet: messages wait, in order,
   * until {@code setupComplete}. Only audio is dropped past the bound (oldest first), never a note
   * or a commit.
   */
  private void sendOrHold(JsonObject message, int audioBytes) {
    if (!resuming) {
      send(message);
      return;
    }
    held.add(new Held(message, audioBytes));
    heldBytes += audioBytes;
    Iterator<Held> it = held.iterator();
    while (heldBytes > HELD_MAX_BYTES && it.hasNext()) {
      Held oldest = it.next();
      if (oldest.audioBytes() > 0) {
        it.remove();
        heldBytes -= oldest.audioBytes();
      }
    }
  }

  @Override
  public Future<Void> disconnect() {
    if (closing) {
      return Future.succeededFuture();
    }
    closing = true;
    if (ready != null) {
      ready.tryFail(ProviderException.transientFailure("closed", "disconnected"));
    }
    emitClosed("disconnected", true);
    held.clear();
    return ws == null
        ? Future.succeededFuture()
        : ws.close().recover(err -> Future.succeededFuture());
  }

  private void onMessage(WebSocket socket, String text) {
    if (socket != ws) {
      return;
    }
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (RuntimeException e) {
      return;
    }
    if (m.containsKey("setupComplete")) {
      ready.tryComplete();
    }
    // usage may ride on the same message as turnComplete, so it is read first
    JsonObject usage = m.getJsonObject("usageMetadata");
    if (usage != null) {
      pendingUsage =
          new JsonObject()
              .put("input_tokens", usage.getLong("promptTokenCount", 0L))
              .put(
                  "output_tokens",
                  usage.getLong("responseTokenCount", usage.getLong("candidatesTokenCount", 0L)))
              .put("total_tokens", usage.getLong("totalTokenCount", 0L))
              .put(VoiceEvent.METERED, GeminiUsage.metered(usage))
              .put(VoiceEvent.MODEL, model.substring("models/".length()));
    }
    JsonObject content = m.getJsonObject("serverContent");
    if (content != null) {
      onServerContent(content);
    }
    JsonObject resumption = m.getJsonObject("sessionResumptionUpdate");
    if (resumption != null
        && resumption.getBoolean("resumable", false)
        && resumption.getString("newHandle") != null) {
      resumptionHandle = resumption.getString("newHandle");
    }
    JsonObject goAway = m.getJsonObject("goAway");
    if (goAway != null) {
      onGoAway(parseDurationMs(goAway.getString("timeLeft", "0s")));
    }
  }

  private void onServerContent(JsonObject content) {
    JsonObject input = content.getJsonObject("inputTranscription");
    if (input != null
        && input.getString("text") != null
        && userItem == null
        && lateUserItem != null) {
      lateUserText.append(input.getString("text"));
      emit(new VoiceEvent.TranscriptFinal("user", lateUserItem, lateUserText.toString().strip()));
    } else if (input != null && input.getString("text") != null) {
      if (userItem == null) {
        userItem = "gemini-user-" + (++turns);
      }
      userText.append(input.getString("text"));
      emit(new VoiceEvent.TranscriptDelta("user", userItem, input.getString("text")));
    }
    if (content.getBoolean("interrupted", false)) {
      if (!vad.speaking()) {
        emit(new VoiceEvent.SpeechStarted()); // the server heard the candidate before our VAD did
      }
      // generation stopped: the interrupted turn is over, whatever comes next is a new turn
      if (modelItem != null) {
        emit(new VoiceEvent.ResponseDone(modelItem, pendingUsage));
      }
      pendingUsage = new JsonObject();
      modelItem = null;
      modelText = new StringBuilder();
      dropping = false;
    }
    JsonObject modelTurn = content.getJsonObject("modelTurn");
    if (modelTurn != null) {
      finishUserTurn();
      JsonArray parts = modelTurn.getJsonArray("parts", new JsonArray());
      for (int i = 0; i < parts.size(); i++) {
        JsonObject inline = parts.getJsonObject(i).getJsonObject("inlineData");
        if (inline != null && !dropping) {
          emit(
              new VoiceEvent.Audio(
                  modelItem(),
                  Buffer.buffer(Base64.getDecoder().decode(inline.getString("data", "")))));
        }
      }
    }
    JsonObject output = content.getJsonObject("outputTranscription");
    if (output != null
        && output.getString("text") != null
        && modelItem == null
        && lateModelItem != null) {
      lateModelText.append(output.getString("text"));
      emit(new VoiceEvent.TranscriptFinal("assistant", lateModelItem, lateModelText.toString()));
    } else if (output != null && output.getString("text") != null && !dropping) {
      modelText.append(output.getString("text"));
      emit(new VoiceEvent.TranscriptDelta("assistant", modelItem(), output.getString("text")));
    }
    if (content.getBoolean("turnComplete", false)) {
      finishUserTurn();
      if (modelItem != null) {
        if (!dropping && !modelText.isEmpty()) {
          emit(new VoiceEvent.TranscriptFinal("assistant", modelItem, modelText.toString()));
          lateModelItem = modelItem;
          lateModelText = new StringBuilder(modelText);
        }
        emit(new VoiceEvent.ResponseDone(modelItem, pendingUsage));
      }
      pendingUsage = new JsonObject();
      modelItem = null;
      modelText = new StringBuilder();
      dropping = false;
    }
  }

  private String modelItem() {
    if (modelItem == null) {
      modelItem = "gemini-model-" + (++turns);
      lateModelItem = null;
      lateModelText = new StringBuilder();
    }
    return modelItem;
  }

  private void finishUserTurn() {
    if (userItem != null) {
      emit(new VoiceEvent.TranscriptFinal("user", userItem, userText.toString().strip()));
      lateUserItem = userItem;
      lateUserText = userText;
      userItem = null;
      userText = new StringBuilder();
    }
  }

  /** Resumes on a fresh socket before the deadline: the old one is closed first, as Gemini asks. */
  private void onGoAway(long timeLeftMs) {
    if (resuming || closing || !connected) {
      return;
    }
    resuming = true;
    WebSocket old = ws;
    ws = null;
    String handle = resumptionHandle;
    old.close()
        .recover(err -> Future.succeededFuture())
        .compose(v -> open(handle))
        .timeout(Math.max(1_000, timeLeftMs + 5_000), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onSuccess(
            v -> {
              resuming = false;
              if (handle == null) {
                restore(); // nothing to resume from: replay the conversation instead
              }
              while (!held.isEmpty()) {
                send(held.removeFirst().message());
              }
              heldBytes = 0;
            })
        .onFailure(
            err -> {
              resuming = false;
              emitClosed("resumption failed", false);
            });
  }

  static long parseDurationMs(String protoDuration) {
    try {
      String s = protoDuration.trim().toLowerCase(Locale.ROOT);
      return Math.round(
          Double.parseDouble(s.endsWith("s") ? s.substring(0, s.length() - 1) : s) * 1000);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private void onClose(WebSocket socket, Short code, String reason) {
    if (socket != ws && ws != null) {
      return; // an old socket closed during resumption
    }
    if (resuming && ws == null) {
      return;
    }
    ProviderException cause = classifyClose(code, reason);
    if (ready != null && ready.tryFail(cause)) {
      return;
    }
    if (closing) {
      return;
    }
    if (cause.fatal()) {
      emit(new VoiceEvent.Error(cause.code(), cause.getMessage(), true));
    } else if (cause.rateLimited()) {
      emit(
          new VoiceEvent.RateLimited(
              cause.retryAfterMs())); // the client hears it, and the failover waits it out
    }
    emitClosed("closed " + code, false);
  }

  /**
   * Gemini reports errors in the close frame. {@code RESOURCE_EXHAUSTED} and its "quota" wording
   * are how Gemini reports per-minute limits, so they are rate limits (retried after the wait it
   * names), never fatal; only a refused key is.
   */
  static ProviderException classifyClose(Short code, String reason) {
    String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
    if (r.contains("is not found")
        || r.contains("not supported for bidigeneratecontent")
        || r.contains("unknown model")) {
      return ProviderException.fatal(
          "model_not_found", "closed " + code); // a retired or unknown model never comes back
    }
    if (r.contains("api key") || r.contains("permission") || r.contains("unauthenticated")) {
      return ProviderException.fatal("invalid_api_key", "closed " + code);
    }
    if (r.contains("resource_exhausted") || r.contains("quota") || RATE_LIMIT.matcher(r).find()) {
      return ProviderException.rateLimited(retryAfterMs(r));
    }
    return ProviderException.transientFailure("closed", "closed " + code);
  }

  private static final Pattern RATE_LIMIT = Pattern.compile("\\brate[ _-]?limit|too many requests");
  private static final Pattern RETRY_IN =
      Pattern.compile("retry (?:in|after) (\\d+(?:\\.\\d+)?)\\s*s\\b");

  /** "Please retry in 12.5s", as Gemini words it; 1 s when it does not say. */
  static long retryAfterMs(String reason) {
    Matcher m = RETRY_IN.matcher(reason);
    return m.find() ? Math.max(1, Math.round(Double.parseDouble(m.group(1)) * 1000)) : 1_000;
  }

  static ProviderException classifyUpgrade(Throwable err) {
    if (err instanceof UpgradeRejectedException rejected) {
      int status = rejected.getStatus();
      if (status == 400 || status == 401 || status == 403) {
        return ProviderException.fatal("invalid_api_key", "handshake refused with " + status);
      }
      if (status == 404) {
        return ProviderException.fatal("model_not_found", "handshake refused with 404");
      }
      if (status == 429) {
        String retryAfter =
            rejected.getHeaders() == null ? null : rejected.getHeaders().get("retry-after");
        return ProviderException.rateLimited(
            retryAfter == null ? 1_000 : retryAfterMs("retry in " + retryAfter.trim() + "s"));
      }
      return ProviderException.transientFailure(
          "upstream_" + status, "handshake refused with " + status);
    }
    return ProviderException.transientFailure("connect_failed", err.getClass().getSimpleName());
  }

  private void emitClosed(String reason, boolean expected) {
    if (!closedEmitted && events != null) {
      closedEmitted = true;
      events.on(new VoiceEvent.Closed(reason, expected));
    }
  }

  private void emit(VoiceEvent event) {
    if (!closing && events != null) {
      events.on(event);
    }
  }

  private void send(JsonObject message) {
    if (ws != null && !closing && !ws.isClosed()) {
      ws.writeTextMessage(message.encode());
    }
  }
}
