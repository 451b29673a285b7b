package com.interviewroom.realtime.voice;

import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.common.observability.OpsCounters;
import com.interviewroom.realtime.audio.Pcm16;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The voice half of one candidate connection. It owns the provider and relays its events to the
 * client (audio untouched, transcripts, status), handles barge-in, persists transcripts and usage,
 * retries connects with backoff, and fails over to another provider (or the same one again) when
 * one drops mid-session, restoring the conversation from the transcript so far. Everything runs on
 * the connection's event loop, so no field needs synchronisation.
 */
public final class BridgedVoiceSession implements VoiceSession {
  private static final Logger LOG = LoggerFactory.getLogger(BridgedVoiceSession.class);
  /** Candidate audio kept while a provider is being replaced: 5 s at 24 kHz. */
  private static final int HELD_AUDIO_MAX_BYTES = 5 * 1000 * Pcm16.BYTES_PER_MS_24K;
  private static final int MAX_HELD_NOTES = 16;
  /** The interviewer's copy of the code is refreshed at most this often (the observer sends a snapshot per meaningful change). */
  public static final long CODE_REFRESH_MS = 15_000;

  /** How long the interviewer may stay silent after the candidate's turn before {@code voice.silence} is announced. */
  public static final Duration SILENCE_ALERT = Duration.ofSeconds(20);

  /** Timing knobs; tests shrink them. {@code silenceAlert}: see {@link #SILENCE_ALERT} ({@code CONSOLE_SILENCE_MS}). */
  public record Settings(List<Duration> backoff, Duration connectTimeout, Duration responseTimeout, int maxFailovers,
                         Duration codeRefresh, Duration silenceAlert) {
    public Settings(List<Duration> backoff, Duration connectTimeout, Duration responseTimeout, int maxFailovers) {
      this(backoff, connectTimeout, responseTimeout, maxFailovers, Duration.ofMillis(CODE_REFRESH_MS));
    }

    public Settings(List<Duration> backoff, Duration connectTimeout, Duration responseTimeout, int maxFailovers,
        Duration codeRefresh) {
      this(backoff, connectTimeout, responseTimeout, maxFailovers, codeRefresh, SILENCE_ALERT);
    }

    public static Settings standard() {
      return new Settings(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
          Duration.ofSeconds(10), Duration.ofSeconds(15), 5);
    }

    public Settings withSilenceAlert(Duration next) {
      return new Settings(backoff, connectTimeout, responseTimeout, maxFailovers, codeRefresh, next);
    }
  }

  private final Vertx vertx;
  private final InterviewContext context;
  private final ClientChannel client;
  private final List<String> chain;
  private final Function<String, VoiceProvider> providers;
  private final SessionRecords records;
  private final Function<UUID, Future<Void>> onProviderUnavailable;
  private final Settings settings;
  private final Clock clock;
  private final Instant openedAt;

  private VoiceProvider provider;
  private VoiceProvider connecting;
  private boolean reconnecting;
  private boolean closed;
  /** A provider was adopted once: a later give-up is a mid-session loss the client channel must hear about. */
  private boolean started;
  private int failovers;
  private long retryTimer = -1;
  private long rateLimitTimer = -1;
  /** When the provider's last rate-limit window ends; a failover waits for it. */
  private long rateLimitEndsMs;
  /** The backoff wait in progress, failed by {@link #close()} so a pending open never hangs. */
  private Promise<Void> sleeping;

  private String status = "";
  private long statusTimer = -1;
  private final HeardAudio heard;
  private final Conversation conversation;
  private final ArrayDeque<Buffer> heldAudio = new ArrayDeque<>();
  private int heldBytes;
  private final List<ContextNote> heldNotes = new ArrayList<>();
  private final UsageLedger usage;
  /** The provider connected or tried last: the {@code provider} tag of error reports. */
  private String lastTried;
  /** The newest code snapshot: re-sent to a new provider after a failover, and the one a pending refresh sends. */
  private ContextNote latestCode;
  private boolean codeQueued;
  private long codeSentAtMs = Long.MIN_VALUE / 2;
  private long codeTimer = -1;
  /** Between the provider's speech start and stop: notes wait, an injection would talk over (or cut) the candidate. */
  private boolean candidateSpeaking;
  private long speakingTimer = -1;
  /** Notes wait for the end of the candidate's speech at most this long. */
  static final long MAX_SPEECH_HOLD_MS = 30_000;
  private final ConsoleEvents console;

  public BridgedVoiceSession(Vertx vertx, InterviewContext context, ClientChannel client, List<String> chain,
      Function<String, VoiceProvider> providers, TranscriptBatcher transcripts, SessionRecords records,
      Function<UUID, Future<Void>> onProviderUnavailable, Settings settings, Clock clock) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.chain = List.copyOf(chain);
    this.providers = providers;
    this.records = records;
    this.onProviderUnavailable = onProviderUnavailable;
    this.settings = settings;
    this.clock = clock;
    this.openedAt = clock.instant();
    this.heard = new HeardAudio(clock);
    this.usage = new UsageLedger(context.sessionId(), records);
    this.conversation = new Conversation(context, transcripts, clock, openedAt);
    this.console = new ConsoleEvents(vertx, client, this, settings.silenceAlert(), clock, openedAt,
        !context.history().isEmpty());
  }

  /** Connects the first provider (with retries); fails with {@link ProviderUnavailable}. */
  public Future<VoiceSession> start() {
    return connectWithRetries(0, 0, new HashSet<>(), "none")
        .onSuccess(this::adopt)
        .recover(this::unavailable)
        .map(p -> this);
  }

  /** The provider now speaking for this session, for tests and metrics. */
  public String providerName() {
    return provider == null ? null : provider.name();
  }

  @Override
  public void audio(Buffer pcm16At24k) {
    if (closed) {
      return;
    }
    if (provider != null) {
      provider.sendAudio(pcm16At24k);
      return;
    }
    heldAudio.add(pcm16At24k);
    heldBytes += pcm16At24k.length();
    while (heldBytes > HELD_AUDIO_MAX_BYTES) {
      heldBytes -= heldAudio.removeFirst().length();
    }
  }

  @Override
  public void commit() {
    if (provider != null) {
      provider.commit();
      setStatus("thinking");
      console.watchSilence();
    }
  }

  @Override
  public void cancel() {
    if (heard.playing()) {
      bargeIn();
      setStatus("listening");
    }
  }

  @Override
  public void inject(ContextNote note) {
    if (closed) {
      return;
    }
    if (note.silent()) {
      latestCode = note;
      codeQueued = true;
      refreshCode();
      return;
    }
    conversation.note(note.text());
    if (provider != null && rateLimitTimer < 0 && !candidateSpeaking) {
      provider.inject(note);
    } else if (heldNotes.size() < MAX_HELD_NOTES) {
      heldNotes.add(note); // delivered after a reconnect, when the rate limit lifts or when the candidate stops speaking
    }
  }

  /** Tells the client once per window and holds back the requests we control (injected notes) until it ends. */
  private void onRateLimited(long retryAfterMs) {
    if (rateLimitTimer >= 0) {
      return;
    }
    client.sendJson(new JsonObject().put("type", "error").put("code", "rate_limited").put("retryAfterMs", retryAfterMs));
    rateLimitEndsMs = clock.millis() + retryAfterMs;
    rateLimitTimer = vertx.setTimer(Math.max(1, retryAfterMs), id -> {
      rateLimitTimer = -1;
      deliverHeldNotes();
    });
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    cancelTimer(statusTimer);
    cancelTimer(retryTimer);
    cancelTimer(rateLimitTimer);
    cancelTimer(codeTimer);
    cancelTimer(speakingTimer);
    console.close();
    if (sleeping != null) {
      sleeping.tryFail(new ProviderUnavailable(context.sessionId(), "closed"));
    }
    conversation.storeAllAssistantSoFar();
    VoiceProvider p = provider;
    provider = null;
    heldAudio.clear();
    Future<Void> disconnected = p == null ? Future.succeededFuture() : p.disconnect();
    Future<Void> aborted = connecting == null ? Future.succeededFuture() : connecting.disconnect();
    connecting = null;
    Future<Void> written = usage.close();
    return Future.join(disconnected, aborted, conversation.flush(), written).mapEmpty();
  }

  @Override
  public String providerTag() {
    return provider != null ? provider.name() : lastTried;
  }

  // ---- connecting, retries, failover ----

  private Future<VoiceProvider> connectWithRetries(int attempt, int index, Set<String> dead, String lastCause) {
    List<String> alive = chain.stream().filter(n -> !dead.contains(n)).toList();
    if (closed || alive.isEmpty()) {
      return Future.failedFuture(new ProviderUnavailable(context.sessionId(), lastCause));
    }
    String name = alive.get(Math.floorMod(index, alive.size()));
    lastTried = name;
    VoiceProvider p = providers.apply(name);
    connecting = p;
    return p.connect(conversation.contextNow(), event -> {
          if (p == provider || p == connecting) {
            onEvent(p, event);
          }
        })
        .timeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .map(v -> {
          connecting = null;
          return p;
        })
        .recover(err -> {
          connecting = null;
          p.disconnect();
          if (closed) {
            return Future.failedFuture(new ProviderUnavailable(context.sessionId(), "closed"));
          }
          ProviderException cause = classify(err);
          LOG.info("voice provider connect failed: provider={} code={} attempt={}", name, cause.code(), attempt);
          if (cause.fatal()) {
            dead.add(name);
            // a bad key or exhausted quota will not heal; move to another provider without waiting
            return connectWithRetries(attempt, index, dead, cause.code());
          }
          if (cause.rateLimited()) {
            client.sendJson(new JsonObject().put("type", "error").put("code", "rate_limited")
                .put("retryAfterMs", cause.retryAfterMs()));
          }
          if (attempt >= settings.backoff().size()) {
            return Future.failedFuture(new ProviderUnavailable(context.sessionId(), cause.code()));
          }
          long delay = Math.max(settings.backoff().get(attempt).toMillis(), cause.retryAfterMs());
          return sleep(delay).compose(v -> connectWithRetries(attempt + 1, index + 1, dead, cause.code()));
        });
  }

  private void adopt(VoiceProvider p) {
    if (closed) {
      p.disconnect();
      return;
    }
    provider = p;
    started = true;
    reconnecting = false;
    setStatus("listening");
    records.recordProvider(context.sessionId(), p.name())
        .onFailure(err -> LOG.warn("could not record the session's provider: {}", err.getClass().getSimpleName()));
    candidateSpeaking = false;
    cancelTimer(speakingTimer);
    speakingTimer = -1;
    if (latestCode != null) {
      codeQueued = true; // a new provider has never seen the code
      codeSentAtMs = Long.MIN_VALUE / 2;
    }
    deliverHeldNotes();
    while (!heldAudio.isEmpty()) {
      p.sendAudio(heldAudio.removeFirst());
    }
    heldBytes = 0;
  }

  private void failover(VoiceProvider lost, String reason, boolean fatal) {
    if (closed || reconnecting || lost != provider) {
      return;
    }
    reconnecting = true;
    provider = null;
    lost.disconnect();
    heard.endResponse();
    if (++failovers > settings.maxFailovers()) {
      unavailable(new ProviderUnavailable(context.sessionId(), reason));
      return;
    }
    LOG.info("voice provider dropped mid-session; failing over: provider={} reason={}", lost.name(), reason);
    OpsCounters.voiceFailover();
    console.failover(lost.name(), reason, fatal, failovers);
    Set<String> dead = new HashSet<>();
    if (fatal) {
      dead.add(lost.name());
    }
    int next = chain.indexOf(lost.name()) + 1; // prefer the other provider; the same one when it is alone
    long rateLimitedFor = rateLimitEndsMs - clock.millis();
    Future<Void> pause = rateLimitedFor > 0 ? sleep(rateLimitedFor) : Future.succeededFuture(); // a rate limit outlives the socket
    pause.compose(v -> connectWithRetries(0, next, dead, reason))
        .onSuccess(this::adopt)
        .onFailure(this::unavailable);
  }

  private <T> Future<T> unavailable(Throwable err) {
    ProviderUnavailable cause = err instanceof ProviderUnavailable pu ? pu
        : new ProviderUnavailable(context.sessionId(), classify(err).code());
    if (closed) {
      return Future.failedFuture(cause); // the candidate left while we were retrying: nothing failed for them
    }
    ErrorReports.report(cause, ErrorReports.tags(ErrorReports.SESSION_ID, context.sessionId(),
        ErrorReports.USER_ID, context.userId(), ErrorReports.PROVIDER, providerTag()));
    client.sendJson(new JsonObject().put("type", "error").put("code", ProviderUnavailable.CODE));
    console.unavailable(cause.lastCause(), started, chain);
    setStatus("listening");
    cancelTimer(statusTimer);
    boolean midSession = started;
    onProviderUnavailable.apply(context.sessionId())
        .onFailure(e -> LOG.error("could not mark the session errored and refund it: {}", e.getClass().getSimpleName()))
        // only after the errored mark: ending the socket first would complete the session and lose the refund
        .onComplete(v -> {
          if (midSession && !closed) {
            client.voiceLost();
          }
        });
    return Future.failedFuture(cause);
  }

  private static ProviderException classify(Throwable err) {
    if (err instanceof ProviderException pe) {
      return pe;
    }
    if (err instanceof ProviderUnavailable pu) {
      return ProviderException.transientFailure(pu.lastCause(), pu.getMessage());
    }
    if (err instanceof java.util.concurrent.TimeoutException || err instanceof io.vertx.core.impl.NoStackTraceTimeoutException) {
      return ProviderException.transientFailure("timeout", "connect timed out");
    }
    return ProviderException.transientFailure("connect_failed", err.getClass().getSimpleName());
  }

  private Future<Void> sleep(long ms) {
    if (closed) {
      return Future.failedFuture(new ProviderUnavailable(context.sessionId(), "closed"));
    }
    Promise<Void> done = Promise.promise();
    sleeping = done;
    retryTimer = vertx.setTimer(Math.max(1, ms), id -> {
      retryTimer = -1;
      done.tryComplete();
    });
    return done.future();
  }

  /**
   * Sends the newest code snapshot when one is waiting: at once when the last went out at least
   * {@link #CODE_REFRESH_MS} ago, else when that time is up; never while the candidate speaks, a
   * rate limit lasts or no provider is connected (held notes are delivered then).
   */
  private void refreshCode() {
    if (!codeQueued || provider == null || closed || rateLimitTimer >= 0 || candidateSpeaking || codeTimer >= 0) {
      return;
    }
    long wait = codeSentAtMs + settings.codeRefresh().toMillis() - clock.millis();
    if (wait > 0) {
      codeTimer = vertx.setTimer(wait, id -> {
        codeTimer = -1;
        refreshCode();
      });
      return;
    }
    codeQueued = false;
    codeSentAtMs = clock.millis();
    provider.inject(latestCode);
  }

  /** The candidate's turn is over (speech stopped, or the interviewer answers): held notes go out. */
  private void candidateDone() {
    if (!candidateSpeaking) {
      return;
    }
    candidateSpeaking = false;
    cancelTimer(speakingTimer);
    speakingTimer = -1;
    deliverHeldNotes();
  }

  private void deliverHeldNotes() {
    if (provider == null || closed || rateLimitTimer >= 0 || candidateSpeaking) {
      return;
    }
    refreshCode();
    List<ContextNote> notes = List.copyOf(heldNotes);
    heldNotes.clear();
    notes.forEach(provider::inject);
  }

  // ---- provider events ----

  private void onEvent(VoiceProvider source, VoiceEvent event) {
    if (closed) {
      return;
    }
    switch (event) {
      case VoiceEvent.Audio a -> onAudio(a);
      case VoiceEvent.TranscriptDelta d -> onDelta(d);
      case VoiceEvent.TranscriptFinal f -> onFinal(f);
      case VoiceEvent.SpeechStarted s -> onSpeechStarted();
      case VoiceEvent.SpeechStopped s -> {
        setStatus("thinking");
        candidateDone();
        console.watchSilence();
      }
      case VoiceEvent.ResponseDone r -> onResponseDone(source, r);
      case VoiceEvent.Metering m -> usage.addCost(source.name(), m.usage());
      case VoiceEvent.RateLimited r -> onRateLimited(r.retryAfterMs());
      case VoiceEvent.ResponseFailed f -> {
        LOG.info("voice provider response failed: provider={} code={}", source.name(), f.code());
        failover(source, f.code(), f.fatal());
      }
      case VoiceEvent.Error e -> {
        if (e.fatal()) {
          failover(source, e.code(), true);
        } else {
          LOG.debug("voice provider reported a non-fatal error: code={}", e.code());
        }
      }
      case VoiceEvent.Closed c -> {
        if (!c.expected()) {
          failover(source, c.reason(), false);
        }
      }
    }
  }

  private void onAudio(VoiceEvent.Audio a) {
    if (heard.cancelled(a.itemId())) {
      return; // late audio of an interrupted answer must not play
    }
    if (!heard.relaying(a.itemId())) {
      candidateDone(); // the interviewer answers: the candidate's turn is over
      console.interviewerAnswered();
      conversation.turnStarted(a.itemId(), heard.started(a.itemId()));
      setStatus("speaking");
    }
    heard.sent(a.pcm16At24k().length());
    client.sendAudio(a.pcm16At24k());
  }

  private void onDelta(VoiceEvent.TranscriptDelta d) {
    if (heard.cancelled(d.itemId())) {
      return;
    }
    conversation.delta(d.role(), d.itemId(), d.text());
    client.sendJson(transcript(d.role(), d.itemId(), d.text(), false));
  }

  private void onFinal(VoiceEvent.TranscriptFinal f) {
    if (heard.cancelled(f.itemId())) {
      return; // the truncated text was stored at barge-in
    }
    if ("assistant".equals(f.role())) {
      heard.finalText(f.itemId(), f.text());
    }
    // "final" tells the candidate the line is kept: sent once it is in the database, so a node crash
    // right after loses nothing the client was told (the deltas already showed the words)
    conversation.finalLine(f.role(), f.itemId(), f.text())
        .onSuccess(v -> client.sendJson(transcript(f.role(), f.itemId(), f.text(), true)))
        .onFailure(e -> LOG.warn("transcript item not kept: {}", e.getMessage()));
  }

  private void onSpeechStarted() {
    candidateSpeaking = true;
    console.candidateSpeaks();
    cancelTimer(speakingTimer);
    // a start without a stop (a provider's own barge-in signal) must not hold notes forever
    speakingTimer = vertx.setTimer(MAX_SPEECH_HOLD_MS, id -> {
      speakingTimer = -1;
      candidateDone();
    });
    conversation.speechStarted();
    if (heard.playing()) {
      bargeIn();
    }
    setStatus("listening");
  }

  private void onResponseDone(VoiceProvider source, VoiceEvent.ResponseDone r) {
    if (r.usage() != null && !r.usage().isEmpty()) {
      usage.addUsage(source.name(), r.usage());
      usage.addCost(source.name(), r.usage());
    }
    if (r.itemId() != null && !heard.cancelled(r.itemId())) {
      conversation.storeAssistantSoFar(r.itemId());
    }
    if (r.itemId() != null) {
      conversation.responseDone(r.itemId()); // an audio-only answer has no transcript to date
    }
    heard.responseDone(r.itemId());
    setStatus("listening");
  }

  /** The candidate talks over the interviewer: silence the client at once, then stop the provider. */
  private void bargeIn() {
    console.bargeIn();
    String item = heard.speakingItem();
    long playedMs = heard.playedMs();
    client.sendJson(new JsonObject().put("type", "playback.clear"));
    if (provider != null) {
      provider.cancel(playedMs);
    }
    heard.rememberCancelled(item);
    String soFar = conversation.takeAssistantSoFar(item);
    String said = soFar != null ? soFar : heard.finalTextOf(item);
    if (said != null) {
      String heardText = truncate(said, playedMs);
      conversation.store("assistant", item, heardText)
          .onSuccess(v -> client.sendJson(transcript("assistant", item, heardText, true)))
          .onFailure(e -> LOG.warn("transcript item not kept: {}", e.getMessage()));
    }
    heard.endResponse();
  }

  /** The words a listener heard after {@code playedMs} of audio, cut at a word boundary. */
  public static String truncate(String text, long playedMs) {
    return HeardAudio.truncate(text, playedMs);
  }

  private void setStatus(String next) {
    if (closed) {
      return;
    }
    cancelTimer(statusTimer);
    statusTimer = -1;
    if ("thinking".equals(next)) {
      // a response that never comes must not leave the candidate staring at "thinking"
      statusTimer = vertx.setTimer(settings.responseTimeout().toMillis(), id -> {
        statusTimer = -1;
        setStatus("listening");
      });
    }
    if (!next.equals(status)) {
      status = next;
      client.sendJson(new JsonObject().put("type", "status").put("state", next));
    }
  }

  private void cancelTimer(long id) {
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }

  private static JsonObject transcript(String role, String itemId, String text, boolean isFinal) {
    return new JsonObject().put("type", "transcript").put("role", role).put("itemId", itemId)
        .put("text", text).put("final", isFinal);
  }
}
