package com.interviewroom.realtime.gateway;

import com.interviewroom.common.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's tunables. Production uses {@link #from(Config.Realtime)}; tests shorten the periods
 * so a timer warning or an abuse close happens in milliseconds instead of minutes.
 *
 * @param audioBytes bytes of candidate audio per second (binary and base64 alike), with a burst
 */
public record GatewaySettings(
    Duration timerTick,
    List<Duration> timeWarnings,
    Duration pingInterval,
    Duration pongTimeout,
    RateLimit audioFrames,
    RateLimit audioBytes,
    RateLimit jsonMessages,
    Duration sustainedAbuse,
    int outboundAudioBytes,
    int outboundControlMessages,
    Duration autoSnapshotEvery,
    Duration codeEventEvery) {

  /** A token bucket: {@code perSecond} refill, up to {@code burst} tokens. */
  public record RateLimit(double perSecond, int burst) {}

  /**
   * The defaults with the configured audio byte rate ({@code AUDIO_BYTES_PER_SECOND}, {@code
   * AUDIO_BURST_BYTES}).
   */
  public static GatewaySettings from(Config.Realtime realtime) {
    return defaults()
        .withAudioBytes(new RateLimit(realtime.audioBytesPerSecond(), realtime.audioBurstBytes()));
  }

  public static GatewaySettings defaults() {
    return new GatewaySettings(
        Duration.ofSeconds(5),
        List.of(Duration.ofMinutes(5), Duration.ofMinutes(1)),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        new RateLimit(50, 100),
        new RateLimit(
            Config.Realtime.DEFAULT_AUDIO_BYTES_PER_SECOND,
            Config.Realtime.DEFAULT_AUDIO_BURST_BYTES),
        new RateLimit(20, 40),
        Duration.ofSeconds(5),
        // about 10 s of 24 kHz PCM16: a client that falls further behind loses the oldest audio
        512 * 1024,
        1024,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10));
  }

  public GatewaySettings withTimer(Duration tick, List<Duration> warnings) {
    return new GatewaySettings(
        tick,
        warnings,
        pingInterval,
        pongTimeout,
        audioFrames,
        audioBytes,
        jsonMessages,
        sustainedAbuse,
        outboundAudioBytes,
        outboundControlMessages,
        autoSnapshotEvery,
        codeEventEvery);
  }

  public GatewaySettings withRates(RateLimit audio, RateLimit json, Duration abuse) {
    return new GatewaySettings(
        timerTick,
        timeWarnings,
        pingInterval,
        pongTimeout,
        audio,
        audioBytes,
        json,
        abuse,
        outboundAudioBytes,
        outboundControlMessages,
        autoSnapshotEvery,
        codeEventEvery);
  }

  public GatewaySettings withAudioBytes(RateLimit bytes) {
    return new GatewaySettings(
        timerTick,
        timeWarnings,
        pingInterval,
        pongTimeout,
        audioFrames,
        bytes,
        jsonMessages,
        sustainedAbuse,
        outboundAudioBytes,
        outboundControlMessages,
        autoSnapshotEvery,
        codeEventEvery);
  }

  public GatewaySettings withPing(Duration interval, Duration timeout) {
    return new GatewaySettings(
        timerTick,
        timeWarnings,
        interval,
        timeout,
        audioFrames,
        audioBytes,
        jsonMessages,
        sustainedAbuse,
        outboundAudioBytes,
        outboundControlMessages,
        autoSnapshotEvery,
        codeEventEvery);
  }

  public GatewaySettings withOutbound(int audioBytes, int controlMessages) {
    return new GatewaySettings(
        timerTick,
        timeWarnings,
        pingInterval,
        pongTimeout,
        audioFrames,
        this.audioBytes,
        jsonMessages,
        sustainedAbuse,
        audioBytes,
        controlMessages,
        autoSnapshotEvery,
        codeEventEvery);
  }

  public GatewaySettings withCode(Duration snapshotEvery, Duration eventEvery) {
    return new GatewaySettings(
        timerTick,
        timeWarnings,
        pingInterval,
        pongTimeout,
        audioFrames,
        audioBytes,
        jsonMessages,
        sustainedAbuse,
        outboundAudioBytes,
        outboundControlMessages,
        snapshotEvery,
        eventEvery);
  }
}
