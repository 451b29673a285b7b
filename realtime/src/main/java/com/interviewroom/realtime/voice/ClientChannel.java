package com.interviewroom.realtime.voice;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The candidate's side of a voice session, as the bridge sees it: the gateway implements it over
 * the WebSocket (dropping old audio when the client reads slowly; never dropping control messages).
 */
public interface ClientChannel {
  /** AI audio, PCM16 LE mono 24 kHz, sent as one binary frame. */
  void sendAudio(Buffer pcm16At24k);

  /** A JSON message ({@code transcript}, {@code status}, {@code playback.clear}, {@code error}, ...). */
  void sendJson(JsonObject message);
}
