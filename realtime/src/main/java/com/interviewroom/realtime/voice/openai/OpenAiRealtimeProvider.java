package com.interviewroom.realtime.voice.openai;

import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.InterviewerInstructions;
import com.interviewroom.realtime.voice.ProviderException;
import com.interviewroom.realtime.voice.VoiceEvent;
import com.interviewroom.realtime.voice.VoiceEvents;
import com.interviewroom.realtime.voice.VoiceProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI Realtime (GA protocol) over a WebSocket: {@code session.update} with {@code type:
 * realtime}, PCM 24 kHz in and out, semantic VAD, input transcription. Server events map onto
 * {@link VoiceEvent}s; the beta event names are accepted too. Barge-in sends {@code
 * response.cancel} and, once audio of the item has arrived, {@code conversation.item.truncate} to
 * the milliseconds actually played, so the model's memory matches what the candidate heard.
 */
public final class OpenAiRealtimeProvider implements VoiceProvider {
  public static final String NAME = "openai";

  /**
   * OpenAI refuses a commit of less than 100 ms of audio ({@code input_audio_buffer_commit_empty}).
   */
  static final int MIN_COMMIT_BYTES = 4_800;

  private static final String VOICE = "marin";
  private static final byte[] APPEND_PREFIX =
      "{\"type\":\"input_audio_buffer.append\",\"audio\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] APPEND_SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);

  /**
   * An append up to this size goes out as one text frame built from its bytes; Vert.x's default
   * frame size, below the client's configured maximum, so a single frame is what writeTextMessage
   * would send too. A larger one goes through writeTextMessage, which fragments it.
   */
  private static final int SINGLE_FRAME_BYTES = 65_536;

  /**
   * The largest message read from the provider, as {@code VoiceProviders} configures the client.
   */
  static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final WebSocketClient client;
  private final String url;
  private final String apiKey;
  private final String transcribeModel;
  private final String model;
  private final Promise<Void> ready = Promise.promise();
  private WebSocket ws;
  private VoiceEvents events;
  private boolean closing;
  private boolean closedEmitted;
  private boolean responding;

  /**
   * The response in progress, so a barge-in cancels that one and never the answer that follows it.
   */
  private String activeResponse;

  private boolean responseWanted;

  /**
   * The assistant item whose audio arrived last. It outlives {@code response.done}: the client is
   * still playing it, and a barge-in then must truncate it to what was heard.
   */
  private String audioItem;

  /**
   * Audio appended since the buffer was last committed (by us, or by the server's VAD, which
   * answers on its own with {@code create_response: true}): a push-to-talk commit of an empty
   * buffer would be an error and its {@code response.create} a second answer.
   */
  private long uncommittedBytes;

  /** The conversation item holding the code snapshot now in the model's context. */
  private String codeItem;

  private int codeItems;

  /** The fragments of the provider's message in progress, null between messages. */
  private Buffer partial;

  private boolean partialIsText;

  /**
   * The message in progress passed {@link #MAX_MESSAGE_BYTES}: its remaining fragments are skipped.
   */
  private boolean partialTooBig;

  public OpenAiRealtimeProvider(
      WebSocketClient client, String url, String apiKey, String model, String transcribeModel) {
    this.client = client;
    this.url = urlFor(url, model);
    this.apiKey = apiKey;
    this.transcribeModel = transcribeModel;
    this.model = model;
  }

  /**
   * The endpoint with {@code ?model=} set to the configured model (replacing one already in the
   * URL).
   */
  static String urlFor(String base, String model) {
    String encoded = java.net.URLEncoder.encode(model, java.nio.charset.StandardCharsets.UTF_8);
    int q = base.indexOf('?');
    if (q < 0) {
      return base + "?model=" + encoded;
    }
    StringBuilder query = new StringBuilder();
    for (String param : base.substring(q + 1).split("&")) {
      if (!param.isEmpty() && !param.startsWith("model=")) {
        query.append(param).append('&');
      }
    }
    return base.substring(0, q) + "?" + query + "model=" + encoded;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Void> connect(InterviewContext context, VoiceEvents events) {
    this.events = events;
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setAbsoluteURI(url)
            .addHeader("Authorization", "Bearer " + apiKey);
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
              socket.frameHandler(this::onFrame);
              socket.exceptionHandler(err -> {}); // the close handler reports the loss
              socket.closeHandler(v -> onClose(socket.closeStatusCode(), socket.closeReason()));
              send(sessionUpdate(context, transcribeModel));
              restore(context);
              return ready.future();
            });
  }

  static JsonObject sessionUpdate(InterviewContext context, String transcribeModel) {
    return new JsonObject()
        .put("type", "session.update")
        .put(
            "session",
            new JsonObject()
                .put("type", "realtime")
                .put("instructions", InterviewerInstructions.build(context))
                .put("output_modalities", new JsonArray().add("audio"))
                .put(
                    "audio",
                    new JsonObject()
                        .put(
                            "input",
                            new JsonObject()
                                .put(
                                    "format",
                                    new JsonObject().put("type", "audio/pcm").put("rate", 24_000))
                                .put(
                                    "transcription", new JsonObject().put("model", transcribeModel))
                                .put(
                                    "turn_detection",
                                    new JsonObject()
                                        .put("type", "semantic_vad")
                                        .put("create_response", true)
                                        .put("interrupt_response", true)))
                        .put(
                            "output",
                            new JsonObject()
                                .put(
                                    "format",
                                    new JsonObject().put("type", "audio/pcm").put("rate", 24_000))
                                .put("voice", VOICE))));
  }

  /**
   * A new conversation starts with the greeting; a resumed one gets its history back and waits for
   * the candidate.
   */
  private void restore(InterviewContext context) {
    if (context.history().isEmpty()) {
      send(new JsonObject().put("type", "response.create"));
      return;
    }
    for (InterviewContext.TranscriptLine line : context.history()) {
      String role =
          switch (line.role()) {
            case "assistant" -> "assistant";
            case "system" -> "system";
            default -> "user";
          };
      String contentType = "assistant".equals(role) ? "output_text" : "input_text";
      send(
          new JsonObject()
              .put("type", "conversation.item.create")
              .put(
                  "item",
                  new JsonObject()
                      .put("type", "message")
                      .put("role", role)
                      .put(
                          "content",
                          new JsonArray()
                              .add(
                                  new JsonObject()
                                      .put("type", contentType)
                                      .put("text", line.text())))));
    }
  }

  @Override
  public void sendAudio(Buffer pcm16At24k) {
    uncommittedBytes += pcm16At24k.length();
    byte[] message = appendBytes(pcm16At24k);
    if (ws != null && !closing && !ws.isClosed()) {
      if (message.length <= SINGLE_FRAME_BYTES) {
        // the frame writeTextMessage builds from the String's UTF-8 bytes, without the String
        ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, message, true));
      } else {
        ws.writeTextMessage(new String(message, StandardCharsets.ISO_8859_1));
      }
    }
  }

  /**
   * {@code input_audio_buffer.append} as the bytes of its text frame: it is the message sent ten
   * times a second per session, base64 needs no JSON escaping, and building it through JsonObject
   * and Strings was a fifth of the relay's CPU ({@code docs/benchmarks.md}). Byte for byte what
   * {@code new JsonObject().put("type", "input_audio_buffer.append").put("audio", base64).encode()}
   * gives.
   */
  static byte[] appendBytes(Buffer pcm16At24k) {
    byte[] audio = Base64.getEncoder().encode(pcm16At24k.getBytes());
    byte[] message = new byte[APPEND_PREFIX.length + audio.length + APPEND_SUFFIX.length];
    System.arraycopy(APPEND_PREFIX, 0, message, 0, APPEND_PREFIX.length);
    System.arraycopy(audio, 0, message, APPEND_PREFIX.length, audio.length);
    System.arraycopy(
        APPEND_SUFFIX, 0, message, APPEND_PREFIX.length + audio.length, APPEND_SUFFIX.length);
    return message;
  }

  /** {@link #appendBytes} as text (ASCII). */
  static String appendMessage(Buffer pcm16At24k) {
    return new String(appendBytes(pcm16At24k), StandardCharsets.ISO_8859_1);
  }

  @Override
  public void commit() {
    // Server VAD already committed this turn and answers it itself (create_response: true); an
    // empty commit is an error and a response.create on top would answer twice.
    if (uncommittedBytes < MIN_COMMIT_BYTES) {
      return;
    }
    uncommittedBytes = 0;
    send(new JsonObject().put("type", "input_audio_buffer.commit"));
    requestResponse();
  }

  @Override
  public void cancel(long playedMs) {
    if (responding) {
      JsonObject cancel = new JsonObject().put("type", "response.cancel");
      if (activeResponse != null) {
        cancel.put("response_id", activeResponse);
      }
      send(cancel);
    }
    // truncating before any audio arrived would cut an item the server has not voiced yet
    if (audioItem != null) {
      send(
          new JsonObject()
              .put("type", "conversation.item.truncate")
              .put("item_id", audioItem)
              .put("content_index", 0)
              .put("audio_end_ms", playedMs));
      audioItem = null;
    }
  }

  /**
   * A system message; an observation, result or warning also asks for a response, a code snapshot
   * does not, and it replaces the previous snapshot ({@code conversation.item.delete}) so the
   * conversation holds one copy of the code, not one per edit.
   */
  @Override
  public void inject(ContextNote note) {
    JsonObject item =
        new JsonObject()
            .put("type", "message")
            .put("role", "system")
            .put(
                "content",
                new JsonArray()
                    .add(new JsonObject().put("type", "input_text").put("text", note.text())));
    if (note.silent()) {
      if (codeItem != null) {
        send(new JsonObject().put("type", "conversation.item.delete").put("item_id", codeItem));
      }
      codeItem = "code_" + (++codeItems);
      item.put("id", codeItem);
    }
    send(new JsonObject().put("type", "conversation.item.create").put("item", item));
    if (!note.silent()) {
      requestResponse();
    }
  }

  @Override
  public Future<Void> disconnect() {
    if (closing) {
      return Future.succeededFuture();
    }
    closing = true;
    ready.tryFail(ProviderException.transientFailure("closed", "disconnected"));
    emitClosed("disconnected", true);
    return ws == null
        ? Future.succeededFuture()
        : ws.close().recover(err -> Future.succeededFuture());
  }

  /** Only one response at a time; a request during a response is sent when that one is done. */
  private void requestResponse() {
    if (responding) {
      responseWanted = true;
    } else {
      send(new JsonObject().put("type", "response.create"));
    }
  }

  /**
   * Joins the socket's text frames into messages here rather than in Vert.x's text-message
   * aggregation, which turns every message into a String: an audio delta is read from its bytes. A
   * message over {@link #MAX_MESSAGE_BYTES} (the message limit {@code VoiceProviders} gives the
   * client, which applied to that aggregation) is dropped with the rest of its fragments; the
   * client's frame limit still holds underneath. Binary messages are not part of the protocol and
   * are ignored, as before.
   */
  private void onFrame(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      partial = null;
      partialTooBig = false;
      partialIsText = frame.isText();
      if (frame.isFinal()) {
        if (partialIsText) {
          onMessage(frame.binaryData());
        }
        return;
      }
      partial = Buffer.buffer().appendBuffer(frame.binaryData());
    } else if (frame.isContinuation() && (partial != null || partialTooBig)) {
      if (!partialTooBig) {
        partial.appendBuffer(frame.binaryData());
        if (partial.length() > MAX_MESSAGE_BYTES) {
          partial = null;
          partialTooBig = true;
        }
      }
      if (frame.isFinal()) {
        Buffer message = partial;
        partial = null;
        partialTooBig = false;
        if (message != null && partialIsText) {
          onMessage(message);
        }
      }
    }
  }

  /**
   * An audio delta, the bulk of what the provider sends, is read by {@link AudioDeltaScanner} from
   * the message's bytes, without a String or a JsonObject; whatever the scanner does not accept,
   * and every other event, takes the full parse of the text (decoded as Vert.x decodes a text
   * message: malformed UTF-8 becomes U+FFFD).
   */
  private void onMessage(Buffer utf8) {
    ByteBuf bytes = ((BufferInternal) utf8).getByteBuf();
    AudioDeltaScanner.Delta delta;
    if (bytes.hasArray()) {
      int from = bytes.arrayOffset() + bytes.readerIndex();
      delta = AudioDeltaScanner.scan(bytes.array(), from, from + bytes.readableBytes());
    } else {
      byte[] copy = ByteBufUtil.getBytes(bytes);
      delta = AudioDeltaScanner.scan(copy, 0, copy.length);
    }
    if (delta != null) {
      audioItem = delta.itemId();
      emit(new VoiceEvent.Audio(delta.itemId(), Buffer.buffer(delta.audio())));
      return;
    }
    onParsedMessage(utf8.toString(StandardCharsets.UTF_8));
  }

  private void onParsedMessage(String text) {
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (RuntimeException e) {
      return;
    }
    switch (m.getString("type", "")) {
      case "session.updated" -> ready.tryComplete();
      case "response.created" -> {
        responding = true;
        activeResponse = m.getJsonObject("response", new JsonObject()).getString("id");
      }
      case "response.output_audio.delta", "response.audio.delta" -> {
        String item = m.getString("item_id");
        audioItem = item;
        emit(
            new VoiceEvent.Audio(
                item, Buffer.buffer(Base64.getDecoder().decode(m.getString("delta", "")))));
      }
      case "response.output_audio_transcript.delta", "response.audio_transcript.delta" ->
          emit(
              new VoiceEvent.TranscriptDelta(
                  "assistant", m.getString("item_id"), m.getString("delta", "")));
      case "response.output_audio_transcript.done", "response.audio_transcript.done" ->
          emit(
              new VoiceEvent.TranscriptFinal(
                  "assistant", m.getString("item_id"), m.getString("transcript", "")));
      case "conversation.item.input_audio_transcription.delta" ->
          emit(
              new VoiceEvent.TranscriptDelta(
                  "user", m.getString("item_id"), m.getString("delta", "")));
      case "conversation.item.input_audio_transcription.completed" -> {
        emit(
            new VoiceEvent.TranscriptFinal(
                "user", m.getString("item_id"), m.getString("transcript", "")));
        JsonObject metered = OpenAiUsage.transcription(m.getJsonObject("usage"));
        if (metered != null && m.getString("item_id") != null) {
          emit(
              new VoiceEvent.Metering(
                  new JsonObject()
                      .put(VoiceEvent.METERED, metered)
                      .put(VoiceEvent.MODEL, transcribeModel)
                      .put(VoiceEvent.RESPONSE_ID, "transcription:" + m.getString("item_id"))));
        }
      }
      case "input_audio_buffer.speech_started" -> emit(new VoiceEvent.SpeechStarted());
      case "input_audio_buffer.speech_stopped" -> emit(new VoiceEvent.SpeechStopped());
      case "input_audio_buffer.committed", "input_audio_buffer.cleared" -> uncommittedBytes = 0;
      case "response.done" -> onResponseDone(m.getJsonObject("response", new JsonObject()));
      // rate_limits.updated is information only: a real limit arrives as an error or a failed
      // response
      case "error" -> onError(m.getJsonObject("error", new JsonObject()));
      default -> {} // session.created, conversation.item.created/added, output_item.*,
        // content_part.*: nothing to relay
    }
  }

  private void onResponseDone(JsonObject response) {
    responding = false;
    activeResponse = null;
    JsonArray output = response.getJsonArray("output", new JsonArray());
    String itemId = output.isEmpty() ? null : output.getJsonObject(0).getString("id");
    JsonObject usage = response.getJsonObject("usage", new JsonObject());
    if ("failed".equals(response.getString("status"))) {
      responseWanted = false;
      onResponseFailed(response);
    }
    JsonObject reported =
        new JsonObject()
            .put("input_tokens", usage.getLong("input_tokens", 0L))
            .put("output_tokens", usage.getLong("output_tokens", 0L))
            .put("total_tokens", usage.getLong("total_tokens", 0L));
    if (!usage.isEmpty()) {
      // priced per kind by the bridge; the response id makes its cost entry once-only
      reported.put(VoiceEvent.METERED, OpenAiUsage.metered(usage)).put(VoiceEvent.MODEL, model);
      if (response.getString("id") != null) {
        reported.put(VoiceEvent.RESPONSE_ID, response.getString("id"));
      }
    }
    emit(new VoiceEvent.ResponseDone(itemId, reported));
    if (responseWanted) {
      responseWanted = false;
      send(new JsonObject().put("type", "response.create"));
    }
  }

  /**
   * {@code status: "failed"} with {@code status_details.error} ({@code insufficient_quota}, {@code
   * server_error}, ...): without this the interviewer would just go silent. A rate limit waits;
   * anything else fails over (and a fatal code rules the provider out).
   */
  private void onResponseFailed(JsonObject response) {
    JsonObject error =
        response
            .getJsonObject("status_details", new JsonObject())
            .getJsonObject("error", new JsonObject());
    String code = error.getString("code", error.getString("type", "response_failed"));
    ProviderException e = classify(code, error.getString("message", "response failed"));
    if (e.rateLimited()) {
      emit(new VoiceEvent.RateLimited(e.retryAfterMs()));
    } else {
      emit(new VoiceEvent.ResponseFailed(e.code(), e.getMessage(), e.fatal()));
    }
  }

  private void onError(JsonObject error) {
    ProviderException e =
        classify(
            error.getString("code", error.getString("type", "error")),
            error.getString("message", ""));
    if (ready.tryFail(e)) {
      return;
    }
    if (e.rateLimited()) {
      emit(new VoiceEvent.RateLimited(e.retryAfterMs()));
    } else {
      emit(new VoiceEvent.Error(e.code(), e.getMessage(), e.fatal()));
    }
  }

  static ProviderException classify(String code, String message) {
    return switch (code) {
      case "invalid_api_key",
          "insufficient_quota",
          "account_deactivated",
          "model_not_found",
          "billing_hard_limit_reached" ->
          ProviderException.fatal(code, message);
      case "rate_limit_exceeded" -> ProviderException.rateLimited(retryAfterMs(message));
      default -> ProviderException.transientFailure(code, message);
    };
  }

  static ProviderException classifyUpgrade(Throwable err) {
    if (err instanceof UpgradeRejectedException rejected) {
      int status = rejected.getStatus();
      if (status == 401 || status == 403) {
        return ProviderException.fatal("invalid_api_key", "handshake refused with " + status);
      }
      if (status == 404) {
        return ProviderException.fatal("model_not_found", "handshake refused with 404");
      }
      if (status == 429) {
        String retryAfter =
            rejected.getHeaders() == null ? null : rejected.getHeaders().get("retry-after");
        return ProviderException.rateLimited(parseSeconds(retryAfter) * 1000);
      }
      return ProviderException.transientFailure(
          "upstream_" + status, "handshake refused with " + status);
    }
    return ProviderException.transientFailure("connect_failed", err.getClass().getSimpleName());
  }

  private static final Pattern TRY_AGAIN =
      Pattern.compile("try again in (\\d+(?:\\.\\d+)?)\\s*(ms|s)\\b");

  /**
   * "Please try again in 1.5s" / "in 350ms", as OpenAI words its rate-limit errors; 1 s when it
   * does not say.
   */
  static long retryAfterMs(String message) {
    Matcher m = TRY_AGAIN.matcher(message == null ? "" : message);
    if (!m.find()) {
      return 1_000;
    }
    double amount = Double.parseDouble(m.group(1));
    return Math.max(1, Math.round("ms".equals(m.group(2)) ? amount : amount * 1000));
  }

  private static long parseSeconds(String value) {
    try {
      return value == null ? 1 : Math.max(1, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private void onClose(Short code, String reason) {
    String why = "closed " + code + (reason == null ? "" : " " + reason);
    ready.tryFail(ProviderException.transientFailure("closed", why));
    emitClosed(why, closing);
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
    sendText(message.encode());
  }

  private void sendText(String json) {
    if (ws != null && !closing && !ws.isClosed()) {
      ws.writeTextMessage(json);
    }
  }
}
