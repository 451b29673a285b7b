package com.interviewroom.realtime.gateway;

import com.interviewroom.realtime.voice.ClientChannel;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * Writes to one candidate socket without letting a slow reader grow memory: while the socket's
 * write queue is full, control messages wait in order (bounded; overflowing it means the client is
 * hopeless and the socket is closed) and audio waits in a byte-bounded queue whose oldest frames
 * are dropped first. Event loop only.
 */
final class Outbound implements ClientChannel {
  private final ServerWebSocket ws;
  private final int maxAudioBytes;
  private final int maxControl;
  private final Counter droppedCounter;
  private final Runnable onControlOverflow;
  private final ArrayDeque<String> control = new ArrayDeque<>();
  private final ArrayDeque<Buffer> audio = new ArrayDeque<>();
  private int audioBytes;
  private int maxAudioBytesSeen;
  private long droppedAudioFrames;
  private boolean closed;

  Outbound(
      ServerWebSocket ws,
      int maxAudioBytes,
      int maxControl,
      Counter droppedCounter,
      Runnable onControlOverflow) {
    this.ws = ws;
    this.maxAudioBytes = maxAudioBytes;
    this.maxControl = maxControl;
    this.droppedCounter = droppedCounter;
    this.onControlOverflow = onControlOverflow;
    ws.drainHandler(v -> flush());
  }

  @Override
  public void sendAudio(Buffer pcm16At24k) {
    if (gone()) {
      return;
    }
    if (control.isEmpty() && audio.isEmpty() && !ws.writeQueueFull()) {
      ws.writeBinaryMessage(pcm16At24k);
      return;
    }
    audio.addLast(pcm16At24k);
    audioBytes += pcm16At24k.length();
    while (audioBytes > maxAudioBytes && !audio.isEmpty()) {
      audioBytes -= audio.removeFirst().length();
      droppedAudioFrames++;
      droppedCounter.increment();
    }
    maxAudioBytesSeen = Math.max(maxAudioBytesSeen, audioBytes);
  }

  @Override
  public void sendJson(JsonObject message) {
    if (gone()) {
      return;
    }
    String text = message.encode();
    if (control.isEmpty() && !ws.writeQueueFull()) {
      ws.writeTextMessage(text);
      return;
    }
    if (control.size() >= maxControl) {
      onControlOverflow.run();
      return;
    }
    control.addLast(text);
  }

  /**
   * Closed here, or already closed underneath: the socket's close handler (which releases this)
   * runs a moment after the socket closed, and a timer or provider event in between must not write
   * (Vert.x throws {@code WebSocket is closed} from {@code writeQueueFull}).
   */
  private boolean gone() {
    return closed || ws.isClosed();
  }

  /**
   * Control first (it is never dropped), then the freshest remaining audio, while the socket
   * accepts more.
   */
  private void flush() {
    while (!gone() && !ws.writeQueueFull() && !control.isEmpty()) {
      ws.writeTextMessage(control.removeFirst());
    }
    while (!gone() && !ws.writeQueueFull() && !audio.isEmpty()) {
      Buffer next = audio.removeFirst();
      audioBytes -= next.length();
      ws.writeBinaryMessage(next);
    }
  }

  /** Releases the queues; later sends are ignored. */
  void close() {
    closed = true;
    control.clear();
    audio.clear();
    audioBytes = 0;
  }

  int queuedAudioBytes() {
    return audioBytes;
  }

  int maxQueuedAudioBytes() {
    return maxAudioBytesSeen;
  }

  long droppedAudioFrames() {
    return droppedAudioFrames;
  }

  /** The client's {@code error} message with {@code code}. */
  static JsonObject error(String code) {
    return new JsonObject().put("type", "error").put("code", code);
  }
}
