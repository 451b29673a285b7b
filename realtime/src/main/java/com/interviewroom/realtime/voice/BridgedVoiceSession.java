package com.interviewroom.realtime.voice;

import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The voice half of one candidate connection, coordinating parts of one job each. It owns the
 * provider and relays its events to the client (audio untouched, transcripts, status), and handles
 * barge-in with what was heard ({@link HeardAudio}). {@link ProviderSwitch} retries connects with
 * backoff and fails over to another provider (or the same one again) when one drops mid-session,
 * restoring the conversation from the transcript so far ({@link Conversation}); context notes wait
 * for the right moment ({@link NoteDelivery}); usage and cost are written by {@link UsageLedger},
 * operator events sent by {@link ConsoleEvents}. Everything runs on the connection's event loop, so
 * no field needs synchronisation.
 */
public final class BridgedVoiceSession implements VoiceSession {
  private static final Logger LOG = LoggerFactory.getLogger(BridgedVoiceSession.class);

  /**
   * The interviewer's copy of the code is refreshed at most this often (the observer sends a
   * snapshot per meaningful change).
   */
  public static final long CODE_REFRESH_MS = 15_000;

  /**
   * How long the interviewer may stay silent after the candidate's turn before {@code
   * voice.silence} is announced.
   */
  public static final Duration SILENCE_ALERT = Duration.ofSeconds(20);

  /**
   * Timing knobs; tests shrink them. {@code silenceAlert}: see {@link #SILENCE_ALERT} ({@code
   * CONSOLE_SILENCE_MS}).
   */
  public record Settings(
      List<Duration> backoff,
      Duration connectTimeout,
      Duration responseTimeout,
      int maxFailovers,
      Duration codeRefresh,
      Duration silenceAlert) {
    public Settings(
        List<Duration> backoff,
        Duration connectTimeout,
        Duration responseTimeout,
        int maxFailovers) {
      this(
          backoff,
          connectTimeout,
          responseTimeout,
          maxFailovers,
          Duration.ofMillis(CODE_REFRESH_MS));
    }

    public Settings(
        List<Duration> backoff,
        Duration connectTimeout,
        Duration responseTimeout,
        int maxFailovers,
        Duration codeRefresh) {
      this(backoff, connectTimeout, responseTimeout, maxFailovers, codeRefresh, SILENCE_ALERT);
    }

    public static Settings standard() {
      return new Settings(
          List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
          Duration.ofSeconds(10),
          Duration.ofSeconds(15),
          5);
    }

    public Settings withSilenceAlert(Duration next) {
      return new Settings(
          backoff, connectTimeout, responseTimeout, maxFailovers, codeRefresh, next);
    }
  }

  private final Vertx vertx;
  private final InterviewContext context;
  private final ClientChannel client;
  private final List<String> chain;
  private final SessionRecords records;
  private final Function<UUID, Future<Void>> onProviderUnavailable;
  private final Settings settings;
  private final Clock clock;
  private final Instant openedAt;

  /** The provider speaking for the session, null while none is connected. */
  private VoiceProvider provider;

  private boolean closed;

  private String status = "";
  private long statusTimer = -1;
  private final HeardAudio heard;
  private final Conversation conversation;
  private final UsageLedger usage;
  private final NoteDelivery notes;
  private final ConsoleEvents console;
  private final ProviderSwitch providers;

  public BridgedVoiceSession(
      Vertx vertx,
      InterviewContext context,
      ClientChannel client,
      List<String> chain,
      Function<String, VoiceProvider> providers,
      TranscriptBatcher transcripts,
      SessionRecords records,
      Function<UUID, Future<Void>> onProviderUnavailable,
      Settings settings,
      Clock clock) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.chain = List.copyOf(chain);
    this.records = records;
    this.onProviderUnavailable = onProviderUnavailable;
    this.settings = settings;
    this.clock = clock;
    this.openedAt = clock.instant();
    this.heard = new HeardAudio(clock);
    this.usage = new UsageLedger(context.sessionId(), records);
    this.conversation = new Conversation(context, transcripts, clock, openedAt);
    this.notes = new NoteDelivery(vertx, clock, settings.codeRefresh().toMillis(), this);
    this.console =
        new ConsoleEvents(
            vertx,
            client,
            this,
            settings.silenceAlert(),
            clock,
            openedAt,
            !context.history().isEmpty());
    this.providers =
        new ProviderSwitch(
            vertx,
            context.sessionId(),
            this.chain,
            providers,
            settings,
            clock,
            client,
            conversation,
            console,
            this);
  }

  /** Connects the first provider (with retries); fails with {@link ProviderUnavailable}. */
  public Future<VoiceSession> start() {
    return providers
        .connectFirst()
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
    providers.hold(pcm16At24k);
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
      notes.code(note);
      return;
    }
    conversation.note(note.text());
    notes.note(note);
  }

  /**
   * Tells the client once per window and holds back the requests we control (injected notes) until
   * it ends.
   */
  private void onRateLimited(long retryAfterMs) {
    if (notes.rateLimited()) {
      return;
    }
    client.sendJson(
        new JsonObject()
            .put("type", "error")
            .put("code", "rate_limited")
            .put("retryAfterMs", retryAfterMs));
    providers.rateLimitedUntil(clock.millis() + retryAfterMs);
    notes.holdFor(retryAfterMs);
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    cancelTimer(statusTimer);
    notes.close();
    console.close();
    providers.close();
    conversation.storeAllAssistantSoFar();
    VoiceProvider p = provider;
    provider = null;
    Future<Void> disconnected = p == null ? Future.succeededFuture() : p.disconnect();
    Future<Void> aborted = providers.abortConnecting();
    Future<Void> written = usage.close();
    return Future.join(disconnected, aborted, conversation.flush(), written).mapEmpty();
  }

  /** The provider speaking for the session, null while none is connected. */
  VoiceProvider provider() {
    return provider;
  }

  @Override
  public String providerTag() {
    return provider != null ? provider.name() : providers.lastTried();
  }

  // ---- adopting a provider, failover, giving up ----

  private void adopt(VoiceProvider p) {
    if (closed) {
      p.disconnect();
      return;
    }
    provider = p;
    providers.adopted();
    setStatus("listening");
    records
        .recordProvider(context.sessionId(), p.name())
        .onFailure(
            err ->
                LOG.warn(
                    "could not record the session's provider: {}", err.getClass().getSimpleName()));
    notes.adopted();
    providers.sendHeldAudio(p);
  }

  private void failover(VoiceProvider lost, String reason, boolean fatal) {
    if (closed || providers.reconnecting() || lost != provider) {
      return;
    }
    provider = null;
    heard.endResponse();
    providers.failover(lost, reason, fatal).onSuccess(this::adopt).onFailure(this::unavailable);
  }

  private <T> Future<T> unavailable(Throwable err) {
    ProviderUnavailable cause =
        err instanceof ProviderUnavailable pu
            ? pu
            : new ProviderUnavailable(context.sessionId(), ProviderSwitch.classify(err).code());
    if (closed) {
      return Future.failedFuture(
          cause); // the candidate left while we were retrying: nothing failed for them
    }
    ErrorReports.report(
        cause,
        ErrorReports.tags(
            ErrorReports.SESSION_ID,
            context.sessionId(),
            ErrorReports.USER_ID,
            context.userId(),
            ErrorReports.PROVIDER,
            providerTag()));
    client.sendJson(new JsonObject().put("type", "error").put("code", ProviderUnavailable.CODE));
    console.unavailable(cause.lastCause(), providers.started(), chain);
    setStatus("listening");
    cancelTimer(statusTimer);
    boolean midSession = providers.started();
    // the errored mark comes before anything that ends the socket: an end first would complete the
    // session and lose the refund. Mid-session that end is voiceLost(); at the start it is the
    // opener's, on the failure this returns, so the failure waits for the mark too
    return onProviderUnavailable
        .apply(context.sessionId())
        .onFailure(
            e ->
                LOG.error(
                    "could not mark the session errored and refund it: {}",
                    e.getClass().getSimpleName()))
        .transform(
            marked -> {
              if (midSession && !closed) {
                client.voiceLost();
              }
              return Future.failedFuture(cause);
            });
  }

  // ---- provider events ----

  /**
   * Events of the provider speaking or of the one being connected; a replaced provider's are
   * dropped.
   */
  void onProviderEvent(VoiceProvider source, VoiceEvent event) {
    if (source == provider || source == providers.connecting()) {
      onEvent(source, event);
    }
  }

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
        notes.candidateDone();
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
      notes.candidateDone(); // the interviewer answers: the candidate's turn is over
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
    // "final" tells the candidate the line is kept: sent once it is in the database, so a node
    // crash right after loses nothing the client was told (the deltas already showed the words)
    conversation
        .finalLine(f.role(), f.itemId(), f.text())
        .onSuccess(v -> client.sendJson(transcript(f.role(), f.itemId(), f.text(), true)))
        .onFailure(e -> LOG.warn("transcript item not kept: {}", e.getMessage()));
  }

  private void onSpeechStarted() {
    notes.candidateSpeaks();
    console.candidateSpeaks();
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

  /**
   * The candidate talks over the interviewer: silence the client at once, then stop the provider.
   */
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
      conversation
          .store("assistant", item, heardText)
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
      statusTimer =
          vertx.setTimer(
              settings.responseTimeout().toMillis(),
              id -> {
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
    return new JsonObject()
        .put("type", "transcript")
        .put("role", role)
        .put("itemId", itemId)
        .put("text", text)
        .put("final", isFinal);
  }
}
