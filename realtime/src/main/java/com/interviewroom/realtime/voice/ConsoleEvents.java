package com.interviewroom.realtime.voice;

import com.interviewroom.common.events.EventStream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What operators are told about one bridge, through {@link ClientChannel#signal} onto the events
 * stream (docs/wire-protocol.md): the first interviewer audio, an interviewer silent for too long
 * after the candidate's turn, barge-ins, failovers, every provider lost. Event loop only.
 */
final class ConsoleEvents {
  private final Vertx vertx;
  private final ClientChannel client;

  /** Asked for the provider tag when an event goes out, which may be long after it was armed. */
  private final BridgedVoiceSession bridge;

  private final Duration silenceAlert;
  private final Clock clock;
  private final Instant openedAt;

  /** A resumed session (reconnect) has history: its first audio is not the interview's first. */
  private final boolean resumed;

  private boolean closed;

  /** The first interviewer audio of this bridge was announced ({@code voice.first_audio}). */
  private boolean firstAudioSeen;

  /**
   * Runs from the end of the candidate's turn until the interviewer's audio; firing announces
   * {@code voice.silence}.
   */
  private long silenceTimer = -1;

  private Instant candidateStoppedAt;
  private int bargeIns;

  ConsoleEvents(
      Vertx vertx,
      ClientChannel client,
      BridgedVoiceSession bridge,
      Duration silenceAlert,
      Clock clock,
      Instant openedAt,
      boolean resumed) {
    this.vertx = vertx;
    this.client = client;
    this.bridge = bridge;
    this.silenceAlert = silenceAlert;
    this.clock = clock;
    this.openedAt = openedAt;
    this.resumed = resumed;
  }

  /**
   * The candidate's turn ended: unless the interviewer's audio begins within {@code silenceAlert},
   * {@code voice.silence} is announced once for this turn.
   */
  void watchSilence() {
    if (closed || silenceTimer >= 0) {
      return;
    }
    candidateStoppedAt = clock.instant();
    silenceTimer =
        vertx.setTimer(
            Math.max(1, silenceAlert.toMillis()),
            id -> {
              silenceTimer = -1;
              if (!closed) {
                client.signal(
                    EventStream.VOICE_SILENCE,
                    new JsonObject()
                        .put(
                            "silentMs",
                            Duration.between(candidateStoppedAt, clock.instant()).toMillis())
                        .put("thresholdMs", silenceAlert.toMillis())
                        .put("provider", bridge.providerTag()));
              }
            });
  }

  /** The candidate speaks again: the silence so far was theirs to fill. */
  void candidateSpeaks() {
    cancelSilenceWatch();
  }

  /**
   * The interviewer's audio began: the silence watch ends, and the first audio of this bridge is
   * timed.
   */
  void interviewerAnswered() {
    cancelSilenceWatch();
    if (!firstAudioSeen) {
      firstAudioSeen = true;
      // a resumed session (reconnect) has history: its first audio is not the interview's first
      client.signal(
          EventStream.VOICE_FIRST_AUDIO,
          new JsonObject()
              .put("latencyMs", Duration.between(openedAt, clock.instant()).toMillis())
              .put("resumed", resumed)
              .put("provider", bridge.providerTag()));
    }
  }

  void bargeIn() {
    client.signal(
        EventStream.VOICE_BARGE_IN,
        new JsonObject().put("count", ++bargeIns).put("provider", bridge.providerTag()));
  }

  void failover(String provider, String reason, boolean fatal, int failovers) {
    client.signal(
        EventStream.VOICE_FAILOVER,
        new JsonObject()
            .put("provider", provider)
            .put("reason", reason)
            .put("fatal", fatal)
            .put("failovers", failovers));
  }

  void unavailable(String reason, boolean midSession, List<String> chain) {
    client.signal(
        EventStream.VOICE_UNAVAILABLE,
        new JsonObject()
            .put("provider", bridge.providerTag())
            .put("reason", reason)
            .put("midSession", midSession)
            .put("chain", String.join(",", chain)));
  }

  void close() {
    closed = true;
    if (silenceTimer >= 0) {
      vertx.cancelTimer(silenceTimer);
    }
  }

  private void cancelSilenceWatch() {
    if (silenceTimer >= 0) {
      vertx.cancelTimer(silenceTimer);
    }
    silenceTimer = -1;
  }
}
