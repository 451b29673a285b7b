package com.interviewroom.realtime.gateway;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.http.PublicServerOptions;
import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.realtime.code.CodeSync;
import com.interviewroom.realtime.recording.Recorder;
import com.interviewroom.realtime.session.LiveSession;
import com.interviewroom.realtime.timer.Deadlines;
import com.interviewroom.realtime.timer.OwnedTimers;
import com.interviewroom.realtime.timer.SessionTimer;
import com.interviewroom.realtime.voice.ClientChannel;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.ProviderUnavailable;
import com.interviewroom.realtime.voice.VoiceSession;
import com.interviewroom.session.signal.SessionEnds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated candidate socket, coordinating its parts: the session claim across nodes
 * ({@link SessionClaim}), frames in ({@link InboundFrames}), messages out ({@link Outbound}), the
 * voice session, the server timer, code sync, and the one way out ({@link #end}) or the other
 * ({@link #release}). Everything runs on the socket's event loop; cross-node signals are hopped
 * onto it.
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  static final short REPLACED = 4002;
  static final short POLICY_VIOLATION = 1008;
  static final short INVALID_PAYLOAD_DATA = 1007;
  static final String SERVER_ERROR = "server_error";

  final String id = UUID.randomUUID().toString();
  final UUID sessionId;
  private final LiveSession session;
  private final String requestId;
  private final ServerWebSocket ws;
  private final Context context;
  private final GatewayParts parts;
  private final Consumer<Connection> onRelease;
  private final OwnedTimers timers;
  private final Outbound out;
  private final InboundFrames frames;
  private final CodeSync code;
  private final SessionEnds ends;
  private final SessionClaim claim;

  /** Both sides' audio, tapped where it passes (docs/architecture.md, "Recordings"). */
  private Recorder recorder = Recorder.OFF;

  private VoiceSession voice;

  /**
   * The voice session whose close is {@link #voiceClosed} (its transcript flushed), so end and
   * release wait for the same close.
   */
  private VoiceSession closedVoice;

  private Future<Void> voiceClosed = Future.succeededFuture();
  private boolean ready;
  private boolean ending;
  private boolean released;

  /**
   * Every voice provider failed at the start: the session is errored and refunded, so the socket
   * ends.
   */
  private boolean voiceUnavailable;

  Connection(
      ServerWebSocket ws,
      Admission admission,
      Context context,
      GatewayParts parts,
      Consumer<Connection> onRelease) {
    this.ws = ws;
    this.session = admission.session();
    this.sessionId = session.id();
    this.requestId = admission.requestId();
    this.context = context;
    this.parts = parts;
    this.onRelease = onRelease;
    GatewaySettings settings = parts.settings();
    this.timers = new OwnedTimers(parts.vertx(), parts.liveTimers());
    this.out =
        new Outbound(
            ws,
            settings.outboundAudioBytes(),
            settings.outboundControlMessages(),
            parts.meters().counter("realtime.outbound.audio.dropped"),
            () -> {
              parts.meters().counter("realtime.outbound.control.overflow").increment();
              closeWith(POLICY_VIOLATION, "client too slow");
            });
    this.code =
        new CodeSync(
            sessionId,
            session.userId(),
            requestId,
            parts.redis(),
            parts.snapshots(),
            parts.events(),
            parts.clock(),
            settings.autoSnapshotEvery(),
            settings.codeEventEvery(),
            timers);
    this.frames = new InboundFrames(this, ws, requestId, parts.meters(), out, code, settings);
    this.ends = parts.sessions().ends(parts.redis());
    this.claim =
        new SessionClaim(
            id, session, requestId, parts, ends, () -> closeWith(REPLACED, "replaced"));
  }

  /** Wires the socket, then resumes the session: deadline, code, voice, {@code session.ready}. */
  void start() {
    ws.pause();
    ws.frameHandler(new MessageAssembler(PublicServerOptions.MAX_WEBSOCKET_FRAME, frames));
    ws.pongHandler(pong -> frames.pong());
    ws.closeHandler(v -> release());
    ws.exceptionHandler(frames::socketError);
    claim.holdSocket();
    recorder = parts.recorders().open(sessionId, session.userId(), session.recordAudio());
    Future<Long> deadline =
        session.activatedNow()
            ? parts.deadlines().publish(sessionId, session.deadline())
            : parts.deadlines().resolve(sessionId, session.deadline());
    claim
        .claimEpoch()
        .compose(v -> deadline)
        .compose(deadlineMs -> code.restore().map(saved -> deadlineMs))
        .compose(deadlineMs -> claim.announce().map(deadlineMs))
        .compose(deadlineMs -> openVoice(deadlineMs).map(deadlineMs))
        .onSuccess(this::begin)
        .onFailure(this::resumeFailed);
  }

  /** The Redis key of the session's socket order (kept by {@link SessionClaim}). */
  static String epochKey(UUID sessionId) {
    return SessionClaim.epochKey(sessionId);
  }

  private Future<Void> openVoice(long deadlineMs) {
    long remaining = Math.max(0, deadlineMs - parts.clock().millis());
    InterviewContext interview =
        new InterviewContext(
            sessionId,
            session.userId(),
            session.problemTitle(),
            session.problemDescription(),
            session.difficulty(),
            code.language() != null ? code.language() : session.language(),
            session.experienceLevel(),
            remaining,
            session.history());
    return parts
        .voices()
        .open(interview, voiceChannel())
        .onSuccess(
            opened -> {
              if (released) {
                opened.close();
              } else {
                voice = opened;
              }
            })
        .recover(
            e -> {
              log.warn(
                  "voice session unavailable {}",
                  kv("requestId", requestId),
                  kv("error", e.getMessage()));
              voice = null;
              if (e instanceof ProviderUnavailable) {
                // every provider failed: the session is already errored and refunded (and the
                // client told), so there is no interview to go on with; begin() ends the socket
                // instead
                voiceUnavailable = true;
              } else {
                // an unexpected failure of our own: the timer and code sync still work without a
                // voice
                ErrorReports.report(e, reportTags());
                out.sendJson(Outbound.error("provider_unavailable"));
              }
              return Future.succeededFuture();
            })
        .mapEmpty();
  }

  /**
   * The socket as the voice side sees it; losing the voice for good mid-session ends the interview.
   */
  private ClientChannel voiceChannel() {
    return new ClientChannel() {
      @Override
      public void sendAudio(Buffer pcm16At24k) {
        recorder.interviewer(pcm16At24k);
        out.sendAudio(pcm16At24k);
      }

      @Override
      public void sendJson(JsonObject message) {
        if ("playback.clear".equals(message.getString("type"))) {
          recorder.interviewerCleared();
        }
        out.sendJson(message);
      }

      @Override
      public void opening(VoiceSession pending) {
        // kept while it connects, so release() closes it if the candidate leaves before it is ready
        if (released) {
          pending.close();
        } else {
          voice = pending;
        }
      }

      @Override
      public void voiceLost() {
        // the session is already errored and refunded: end() stores the final code and announces
        // the end
        context.runOnContext(v -> end(ProviderUnavailable.CODE));
      }

      @Override
      public void signal(String type, JsonObject data) {
        publish(type, data);
      }
    };
  }

  /** The peer's close code; null when no close frame came (a ping timeout, a reset). */
  private Integer closeCode() {
    try {
      return (int) ws.closeStatusCode();
    } catch (NullPointerException noCloseFrame) {
      return null; // Vert.x unboxes the missing status code
    }
  }

  /**
   * Announces an operator-facing event of this session on the events stream; a failure is logged,
   * never fatal.
   */
  private void publish(String type, JsonObject data) {
    parts
        .events()
        .publish(type, sessionId, session.userId(), requestId, data)
        .onFailure(
            e ->
                log.warn(
                    "event not published {} {}", kv("requestId", requestId), kv("type", type)));
  }

  private void begin(long deadlineMs) {
    if (released || ending) {
      // gone, or ended (an end signal) while resuming: no ready message, no timers
      return;
    }
    if (voiceUnavailable) {
      end(ProviderUnavailable.CODE);
      return;
    }
    GatewaySettings settings = parts.settings();
    SessionTimer timer =
        new SessionTimer(
            sessionId,
            deadlineMs,
            parts.deadlines(),
            parts.clock(),
            settings.timeWarnings(),
            new SessionTimer.Listener() {
              @Override
              public void tick(long remainingMs) {
                out.sendJson(new JsonObject().put("type", "timer").put("remainingMs", remainingMs));
              }

              @Override
              public void warning(Duration threshold, long remainingMs) {
                if (voice != null) {
                  voice.inject(
                      new ContextNote(ContextNote.Kind.TIME_WARNING, warningText(threshold)));
                }
              }

              @Override
              public void expired() {
                end("time_up");
              }
            });
    JsonObject readyMessage =
        new JsonObject()
            .put("type", "session.ready")
            .put("sessionId", sessionId.toString())
            .put("remainingMs", timer.remainingMs());
    if (code.code() != null) {
      readyMessage.put("code", code.code()).put("language", code.language());
    }
    out.sendJson(readyMessage);
    timer.start(timers, settings.timerTick());
    timers.every(settings.pingInterval().toMillis(), id -> ping());
    ready = true;
    ws.resume();
  }

  static String warningText(Duration threshold) {
    long minutes = threshold.toMinutes();
    String amount =
        minutes >= 1
            ? minutes + (minutes == 1 ? " minute" : " minutes")
            : threshold.toSeconds() + " seconds";
    return "About "
        + amount
        + " remain in the interview. Let the candidate know briefly and naturally, "
        + "and help them prioritise finishing.";
  }

  private void ping() {
    if (System.nanoTime() - frames.lastSeenNanos() > parts.settings().pongTimeout().toNanos()) {
      log.info("peer unresponsive, closing {}", kv("requestId", requestId));
      closeWith((short) 1001, "ping timeout");
      // a dead peer may never finish the closing handshake: release now, not when TCP gives up
      release();
      return;
    }
    ws.writePing(Buffer.buffer("p"));
    claim.renewSocket();
  }

  /**
   * From the control channel (any node): a newer socket took over, or the session was ended
   * elsewhere.
   */
  void onControl(JsonObject signal) {
    context.runOnContext(
        v -> {
          String type = signal.getString("type", "");
          if (type.equals("replaced")) {
            claim.onReplacedSignal(signal);
          } else if (type.equals("end")) {
            end(safeReason(signal.getString("reason")));
          }
        });
  }

  /**
   * From the agents (any node): context for the interviewer; execution results also go to the
   * candidate.
   */
  void onContext(JsonObject signal) {
    context.runOnContext(
        v -> {
          ContextNote.Kind kind;
          try {
            kind = ContextNote.Kind.valueOf(signal.getString("kind", ""));
          } catch (IllegalArgumentException e) {
            return;
          }
          String text = signal.getString("text", "");
          if (voice != null && !text.isEmpty()) {
            voice.inject(new ContextNote(kind, text));
            if (kind == ContextNote.Kind.CODE_OBSERVATION) {
              parts
                  .sessions()
                  .recordHint(sessionId)
                  .onFailure(
                      err ->
                          log.warn(
                              "hint not counted {}", kv("error", err.getClass().getSimpleName())));
            }
          }
          if (kind == ContextNote.Kind.EXECUTION_RESULT) {
            JsonObject payload = signal.getJsonObject("payload", new JsonObject());
            out.sendJson(payload.copy().put("type", "execution.result"));
          }
        });
  }

  private java.util.Map<String, String> reportTags() {
    return ErrorReports.tags(
        ErrorReports.SESSION_ID,
        sessionId,
        ErrorReports.USER_ID,
        session.userId(),
        ErrorReports.REQUEST_ID,
        requestId,
        ErrorReports.PROVIDER,
        voice == null ? null : voice.providerTag());
  }

  /**
   * A server error before the interview began. When this socket activated the session, the credit
   * was spent on an interview that never happened: the session is errored and refunded (once,
   * whatever else fails it) before the socket closes, so the release announces the end. A failed
   * reconnect leaves the session as it is: a fresh token resumes it.
   */
  private void resumeFailed(Throwable e) {
    log.warn("session resume failed {}", kv("requestId", requestId), kv("error", e.getMessage()));
    ErrorReports.report(e, reportTags());
    Future<Boolean> failed =
        session.activatedNow() && !ready && !ending
            ? parts.sessions().failByOurFault(sessionId, SERVER_ERROR, requestId)
            : Future.succeededFuture(false);
    failed
        .onFailure(
            err ->
                log.error(
                    "session not errored after a failed start {}",
                    kv("requestId", requestId),
                    kv("error", err.getClass().getSimpleName())))
        .onComplete(done -> closeWith((short) 1011, "internal error"));
  }

  /**
   * The one ending path (time up, the candidate's {@code session.end}, the REST end signal, the
   * voice lost for good), idempotent: end the session if it is still live, store the final code,
   * close the voice side (which flushes its transcript), and only then announce {@code
   * session.ended} (once per session, whoever ended it), so the evaluation sees all of it; then
   * drop the session's Redis keys and close 1000.
   */
  void end(String reason) {
    if (ending || released) {
      return;
    }
    ending = true;
    timers.cancelAll();
    out.sendJson(new JsonObject().put("type", "session.ended").put("reason", reason));
    parts
        .sessions()
        .end(sessionId, reason, requestId)
        .onFailure(
            e ->
                log.warn(
                    "session not ended {}",
                    kv("requestId", requestId),
                    kv("error", e.getMessage())))
        .transform(v -> code.finish())
        .transform(v -> closeVoice())
        .transform(v -> announceEnd())
        .transform(v -> forgetSession())
        .onComplete(v -> closeWith((short) 1000, reason));
  }

  /** Publishes {@code session.ended} if the session has ended and nobody has announced it yet. */
  private Future<Boolean> announceEnd() {
    return ends.announce(sessionId, requestId)
        .onFailure(
            e ->
                log.warn(
                    "session end not announced {}",
                    kv("requestId", requestId),
                    kv("error", e.getMessage())));
  }

  private Future<Void> closeVoice() {
    if (voice != null && closedVoice != voice) {
      closedVoice = voice;
      voiceClosed = voice.close();
    }
    return voiceClosed;
  }

  private Future<Void> forgetSession() {
    Request del =
        Request.cmd(Command.DEL)
            .arg(Deadlines.deadlineKey(sessionId))
            .arg(CodeSync.key(sessionId))
            .arg(CodeSync.autoKey(sessionId))
            .arg(epochKey(sessionId));
    for (Duration threshold : parts.settings().timeWarnings()) {
      del.arg(Deadlines.warningKey(sessionId, threshold));
    }
    return parts.redis().send(del).mapEmpty();
  }

  void closeWith(short status, String reason) {
    if (!ws.isClosed()) {
      ws.close(status, reason);
    }
  }

  /** Releases everything this socket held; runs once, whichever way the socket went away. */
  void release() {
    if (released) {
      return;
    }
    released = true;
    if (!ending && ready) {
      // the candidate's socket went away mid-interview (not an end, not a replacement by their own
      // newer socket)
      if (!claim.replaced()) {
        publish(EventStream.SOCKET_DROPPED, new JsonObject().put("closeCode", closeCode()));
      }
    }
    timers.cancelAll();
    out.close();
    Future<Void> lastWrites =
        Future.join(ending ? Future.succeededFuture() : code.flush(), closeVoice()).mapEmpty();
    // after the voice side stopped: no more interviewer audio; the last chunk is handed off now
    closeVoice().onComplete(v -> recorder.close());
    // a session ended elsewhere (REST end, errored by the voice side) is announced once this
    // socket's last code and transcript are stored; end() announces its own
    (ending ? lastWrites : lastWrites.transform(v -> announceEnd()))
        .onComplete(v -> claim.releaseSocket());
    onRelease.accept(this);
  }

  boolean ready() {
    return ready;
  }

  /** The voice session, null until it opens (or when none could). */
  VoiceSession voice() {
    return voice;
  }

  Recorder recorder() {
    return recorder;
  }

  Outbound outbound() {
    return out;
  }

  private static String safeReason(String reason) {
    return reason != null && reason.matches("[a-z_]{1,40}") ? reason : "ended";
  }
}
