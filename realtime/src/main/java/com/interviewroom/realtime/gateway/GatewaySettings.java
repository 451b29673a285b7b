package com.interviewroom.realtime.gateway;

import java.time.Duration;
import java.util.List;

/**
 * The gateway's tunables. Production uses {@link #defaults()}; tests shorten the periods so a
 * timer warning or an abuse close happens in milliseconds instead of minutes.
 */
public record GatewaySettings(
    Duration timerTick,
    List<Duration> timeWarnings,
    Duration pingInterval,
    Duration pongTimeout,
    RateLimit audioFrames,
    RateLimit jsonMessages,
    Duration sustainedAbuse,
    int outboundAudioBytes,
    int outboundControlMessages,
    Duration autoSnapshotEvery,
    Duration codeEventEvery) {

  /** A token bucket: {@code perSecond} refill, up to {@code burst} tokens. */
  public record RateLimit(double perSecond, int burst) {}

  public static GatewaySettings defaults() {
    return new GatewaySettings(
        Duration.ofSeconds(5),
        List.of(Duration.ofMinutes(5), Duration.ofMinutes(1)),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        new RateLimit(50, 100),
        new RateLimit(20, 40),
        Duration.ofSeconds(5),
        // about 10 s of 24 kHz PCM16: a client that falls further behind loses the oldest audio
        512 * 1024,
        1024,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10));
  }

  public GatewaySettings withTimer(Duration tick, List<Duration> warnings) {
    return new GatewaySettings(tick, warnings, pingInterval, pongTimeout, audioFrames, jsonMessages, sustainedAbuse,
        outboundAudioBytes, outboundControlMessages, autoSnapshotEvery, codeEventEvery);
  }

  public GatewaySettings withRates(RateLimit audio, RateLimit json, Duration abuse) {
    return new GatewaySettings(timerTick, timeWarnings, pingInterval, pongTimeout, audio, json, abuse,
        outboundAudioBytes, outboundControlMessages, autoSnapshotEvery, codeEventEvery);
  }

  public GatewaySettings withPing(Duration interval, Duration timeout) {
    return new GatewaySettings(timerTick, timeWarnings, interval, timeout, audioFrames, jsonMessages, sustainedAbuse,
        outboundAudioBytes, outboundControlMessages, autoSnapshotEvery, codeEventEvery);
  }

  public GatewaySettings withOutbound(int audioBytes, int controlMessages) {
    return new GatewaySettings(timerTick, timeWarnings, pingInterval, pongTimeout, audioFrames, jsonMessages, sustainedAbuse,
        audioBytes, controlMessages, autoSnapshotEvery, codeEventEvery);
  }

  public GatewaySettings withCode(Duration snapshotEvery, Duration eventEvery) {
    return new GatewaySettings(timerTick, timeWarnings, pingInterval, pongTimeout, audioFrames, jsonMessages, sustainedAbuse,
        outboundAudioBytes, outboundControlMessages, snapshotEvery, eventEvery);
  }
}
