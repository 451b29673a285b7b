package com.interviewroom.realtime.voice;

import com.interviewroom.common.observability.OpsCounters;
import com.interviewroom.realtime.audio.Pcm16;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Getting one session a provider and replacing it: connects along the provider chain with retries
 * and backoff (a fatal refusal rules a provider out at once, a rate limit is waited out), fails
 * over when the provider speaking drops mid-session (the other provider first, the same one when it
 * is alone, at most {@code maxFailovers} times), and holds the candidate's audio while no provider
 * is connected. The bridge adopts what this connects and gives up when it fails. Event loop only.
 */
final class ProviderSwitch {
  /** The bridge's logger: these lines are part of that session's voice story in the logs. */
  private static final Logger LOG = LoggerFactory.getLogger(BridgedVoiceSession.class);

  /** Candidate audio kept while a provider is being replaced: 5 s at 24 kHz. */
  private static final int HELD_AUDIO_MAX_BYTES = 5 * 1000 * Pcm16.BYTES_PER_MS_24K;

  private final Vertx vertx;
  private final UUID sessionId;
  private final List<String> chain;
  private final Function<String, VoiceProvider> providers;
  private final BridgedVoiceSession.Settings settings;
  private final Clock clock;
  private final ClientChannel client;
  private final Conversation conversation;
  private final ConsoleEvents console;

  /** Receives the events of the providers this connects. */
  private final BridgedVoiceSession bridge;

  private VoiceProvider connecting;
  private boolean reconnecting;
  private boolean closed;

  /**
   * A provider was adopted once: a later give-up is a mid-session loss the client channel must hear
   * about.
   */
  private boolean started;

  private int failovers;
  private long retryTimer = -1;

  /** When the provider's last rate-limit window ends; a failover waits for it. */
  private long rateLimitEndsMs;

  /** The backoff wait in progress, failed by {@link #close()} so a pending open never hangs. */
  private Promise<Void> sleeping;

  /** The provider connected or tried last: the {@code provider} tag of error reports. */
  private String lastTried;

  private final ArrayDeque<Buffer> heldAudio = new ArrayDeque<>();
  private int heldBytes;

  ProviderSwitch(
      Vertx vertx,
      UUID sessionId,
      List<String> chain,
      Function<String, VoiceProvider> providers,
      BridgedVoiceSession.Settings settings,
      Clock clock,
      ClientChannel client,
      Conversation conversation,
      ConsoleEvents console,
      BridgedVoiceSession bridge) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.chain = chain;
    this.providers = providers;
    this.settings = settings;
    this.clock = clock;
    this.client = client;
    this.conversation = conversation;
    this.console = console;
    this.bridge = bridge;
  }

  /** Connects the first provider (with retries); fails with {@link ProviderUnavailable}. */
  Future<VoiceProvider> connectFirst() {
    return connectWithRetries(0, 0, new HashSet<>(), "none");
  }

  /** The provider being connected, null when none. */
  VoiceProvider connecting() {
    return connecting;
  }

  /** A failover is under way. */
  boolean reconnecting() {
    return reconnecting;
  }

  /** A provider was adopted at least once. */
  boolean started() {
    return started;
  }

  String lastTried() {
    return lastTried;
  }

  /** The provider's rate-limit window ends at {@code endsMs} ({@link Clock#millis()}). */
  void rateLimitedUntil(long endsMs) {
    rateLimitEndsMs = endsMs;
  }

  /** Keeps the candidate's audio while no provider is connected: the newest 5 s. */
  void hold(Buffer pcm16At24k) {
    heldAudio.add(pcm16At24k);
    heldBytes += pcm16At24k.length();
    while (heldBytes > HELD_AUDIO_MAX_BYTES) {
      heldBytes -= heldAudio.removeFirst().length();
    }
  }

  /** The bridge adopted a provider: the session has started, and any failover is over. */
  void adopted() {
    started = true;
    reconnecting = false;
  }

  /** Sends the audio held meanwhile to the adopted provider. */
  void sendHeldAudio(VoiceProvider p) {
    while (!heldAudio.isEmpty()) {
      p.sendAudio(heldAudio.removeFirst());
    }
    heldBytes = 0;
  }

  /**
   * Replaces {@code lost}, which dropped mid-session: after a rate limit's window, along the chain
   * from the provider after it. Fails with {@link ProviderUnavailable} when the failovers are used
   * up or no provider connects.
   */
  Future<VoiceProvider> failover(VoiceProvider lost, String reason, boolean fatal) {
    reconnecting = true;
    lost.disconnect();
    if (++failovers > settings.maxFailovers()) {
      return Future.failedFuture(new ProviderUnavailable(sessionId, reason));
    }
    LOG.info(
        "voice provider dropped mid-session; failing over: provider={} reason={}",
        lost.name(),
        reason);
    OpsCounters.voiceFailover();
    console.failover(lost.name(), reason, fatal, failovers);
    Set<String> dead = new HashSet<>();
    if (fatal) {
      dead.add(lost.name());
    }
    int next =
        chain.indexOf(lost.name()) + 1; // prefer the other provider; the same one when it is alone
    long rateLimitedFor = rateLimitEndsMs - clock.millis();
    Future<Void> pause =
        rateLimitedFor > 0
            ? sleep(rateLimitedFor)
            : Future.succeededFuture(); // a rate limit outlives the socket
    return pause.compose(v -> connectWithRetries(0, next, dead, reason));
  }

  /** Stops retrying: the backoff wait in progress fails, the held audio is dropped. */
  void close() {
    closed = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    if (sleeping != null) {
      sleeping.tryFail(new ProviderUnavailable(sessionId, "closed"));
    }
    heldAudio.clear();
  }

  /** Disconnects the provider still connecting, if any. */
  Future<Void> abortConnecting() {
    Future<Void> aborted = connecting == null ? Future.succeededFuture() : connecting.disconnect();
    connecting = null;
    return aborted;
  }

  private Future<VoiceProvider> connectWithRetries(
      int attempt, int index, Set<String> dead, String lastCause) {
    List<String> alive = chain.stream().filter(n -> !dead.contains(n)).toList();
    if (closed || alive.isEmpty()) {
      return Future.failedFuture(new ProviderUnavailable(sessionId, lastCause));
    }
    String name = alive.get(Math.floorMod(index, alive.size()));
    lastTried = name;
    VoiceProvider p = providers.apply(name);
    connecting = p;
    return p.connect(conversation.contextNow(), event -> bridge.onProviderEvent(p, event))
        .timeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .map(
            v -> {
              connecting = null;
              return p;
            })
        .recover(
            err -> {
              connecting = null;
              p.disconnect();
              if (closed) {
                return Future.failedFuture(new ProviderUnavailable(sessionId, "closed"));
              }
              ProviderException cause = classify(err);
              LOG.info(
                  "voice provider connect failed: provider={} code={} attempt={}",
                  name,
                  cause.code(),
                  attempt);
              if (cause.fatal()) {
                dead.add(name);
                // a bad key or exhausted quota will not heal; move to another provider without
                // waiting
                return connectWithRetries(attempt, index, dead, cause.code());
              }
              if (cause.rateLimited()) {
                client.sendJson(
                    new JsonObject()
                        .put("type", "error")
                        .put("code", "rate_limited")
                        .put("retryAfterMs", cause.retryAfterMs()));
              }
              if (attempt >= settings.backoff().size()) {
                return Future.failedFuture(new ProviderUnavailable(sessionId, cause.code()));
              }
              long delay =
                  Math.max(settings.backoff().get(attempt).toMillis(), cause.retryAfterMs());
              return sleep(delay)
                  .compose(v -> connectWithRetries(attempt + 1, index + 1, dead, cause.code()));
            });
  }

  static ProviderException classify(Throwable err) {
    if (err instanceof ProviderException pe) {
      return pe;
    }
    if (err instanceof ProviderUnavailable pu) {
      return ProviderException.transientFailure(pu.lastCause(), pu.getMessage());
    }
    if (err instanceof java.util.concurrent.TimeoutException
        || err instanceof io.vertx.core.impl.NoStackTraceTimeoutException) {
      return ProviderException.transientFailure("timeout", "connect timed out");
    }
    return ProviderException.transientFailure("connect_failed", err.getClass().getSimpleName());
  }

  private Future<Void> sleep(long ms) {
    if (closed) {
      return Future.failedFuture(new ProviderUnavailable(sessionId, "closed"));
    }
    Promise<Void> done = Promise.promise();
    sleeping = done;
    retryTimer =
        vertx.setTimer(
            Math.max(1, ms),
            id -> {
              retryTimer = -1;
              done.tryComplete();
            });
    return done.future();
  }
}
