package com.interviewroom.realtime.gateway;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.realtime.code.CodeSync;
import com.interviewroom.realtime.voice.VoiceSession;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames one candidate socket sends, as {@link MessageAssembler} completes them: rate-limited
 * (audio by frames and bytes, JSON by messages, sustained abuse closes the socket), checked against
 * the allowlist ({@link ClientFrame}), then handed to the voice session, the recorder or code sync.
 * Also when the peer was last heard from, for the ping timeout. Event loop only.
 */
final class InboundFrames implements MessageAssembler.Sink {
  /** The connection's logger: a rejected frame is part of that socket's story in the logs. */
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final Connection connection;
  private final ServerWebSocket ws;
  private final String requestId;
  private final MeterRegistry meters;
  private final Outbound out;
  private final CodeSync code;
  private final TokenBucket audioBucket;
  private final TokenBucket audioBytes;
  private final TokenBucket jsonBucket;
  private final Abuse abuse;
  private long lastSeenNanos = System.nanoTime();

  InboundFrames(
      Connection connection,
      ServerWebSocket ws,
      String requestId,
      MeterRegistry meters,
      Outbound out,
      CodeSync code,
      GatewaySettings settings) {
    this.connection = connection;
    this.ws = ws;
    this.requestId = requestId;
    this.meters = meters;
    this.out = out;
    this.code = code;
    long now = System.nanoTime();
    this.audioBucket = new TokenBucket(settings.audioFrames(), now);
    this.audioBytes = new TokenBucket(settings.audioBytes(), now);
    this.jsonBucket = new TokenBucket(settings.jsonMessages(), now);
    this.abuse = new Abuse(settings.sustainedAbuse().toNanos());
  }

  /** When a frame or a pong last came in ({@link System#nanoTime()}). */
  long lastSeenNanos() {
    return lastSeenNanos;
  }

  void pong() {
    lastSeenNanos = System.nanoTime();
  }

  @Override
  public void binary(Buffer pcm) {
    lastSeenNanos = System.nanoTime();
    if (!allowedAudio(pcm.length())) {
      return;
    }
    if (!ClientFrame.validPcm(pcm)) {
      rejected(new ClientFrame.Invalid("bad_fields", "binary_audio"));
      return;
    }
    connection.recorder().candidate(pcm);
    VoiceSession voice = connection.voice();
    if (voice != null) {
      voice.audio(pcm);
    }
  }

  @Override
  public void text(String text) {
    lastSeenNanos = System.nanoTime();
    ClientFrame frame = ClientFrame.parse(text);
    if (!(frame instanceof ClientFrame.AudioAppend append
        ? allowedAudio(append.pcm().length())
        : allowed(jsonBucket))) {
      return;
    }
    VoiceSession voice = connection.voice();
    switch (frame) {
      case ClientFrame.AudioAppend append -> {
        connection.recorder().candidate(append.pcm());
        if (voice != null) {
          voice.audio(append.pcm());
        }
      }
      case ClientFrame.Commit commit -> {
        if (voice != null) {
          voice.commit();
        }
      }
      case ClientFrame.Cancel cancel -> {
        if (voice != null) {
          voice.cancel();
        }
      }
      case ClientFrame.Ping ping -> out.sendJson(new JsonObject().put("type", "pong"));
      case ClientFrame.CodeEdit edit -> code.edit(edit.code(), edit.language());
      case ClientFrame.End end -> connection.end("ended_by_user");
      case ClientFrame.Invalid invalid -> rejected(invalid);
    }
  }

  @Override
  public void tooBig() {
    meters.counter("realtime.frames.rejected", "bucket", "too_big").increment();
    connection.closeWith((short) 1009, "message too big");
  }

  @Override
  public void invalidUtf8() {
    meters.counter("realtime.frames.rejected", "bucket", "invalid_utf8").increment();
    connection.closeWith(Connection.INVALID_PAYLOAD_DATA, "invalid utf-8");
  }

  /**
   * A frame the codec refused (a compression bit with no extension negotiated, a frame over the
   * codec's hard cap, a bad opcode): the codec reads nothing more, so the socket closes with the
   * status it names (1002 or 1009).
   */
  void socketError(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupt) {
      meters.counter("realtime.frames.rejected", "bucket", "protocol").increment();
      log.info(
          "socket protocol error {} {}", kv("requestId", requestId), kv("error", e.getMessage()));
      connection.closeWith((short) corrupt.closeStatus().code(), "protocol error");
    } else {
      log.debug("socket error {}", kv("requestId", requestId), kv("error", e.getMessage()));
    }
  }

  private boolean allowed(TokenBucket bucket) {
    return allowed(bucket, 1);
  }

  /**
   * Audio passes two buckets: frames per second, and bytes per second close to real time (24 kHz
   * PCM16 is 48,000 B/s) with a burst, so audio beyond the rate never reaches the provider.
   */
  private boolean allowedAudio(int bytes) {
    return allowed(audioBucket) && allowed(audioBytes, bytes);
  }

  private boolean allowed(TokenBucket bucket, int amount) {
    long now = System.nanoTime();
    if (bucket.take(now, amount)) {
      return true;
    }
    if (abuse.rejected(now)) {
      meters.counter("realtime.rate_limit.closed").increment();
      if (!ws.isClosed()) {
        out.sendJson(Outbound.error("rate_limited"));
      }
      connection.closeWith(Connection.POLICY_VIOLATION, "rate limit exceeded");
    } else if (abuse.shouldTell(now)) {
      out.sendJson(Outbound.error("rate_limited"));
    }
    return false;
  }

  private void rejected(ClientFrame.Invalid invalid) {
    meters.counter("realtime.frames.rejected", "bucket", invalid.bucket()).increment();
    log.info(
        "client frame rejected {} {} {}",
        kv("requestId", requestId),
        kv("bucket", invalid.bucket()),
        kv("frameType", invalid.type()));
    out.sendJson(Outbound.error("invalid_payload"));
  }
}
