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

  /**
   * A JSON message ({@code transcript}, {@code status}, {@code playback.clear}, {@code error},
   * ...).
   */
  void sendJson(JsonObject message);

  /**
   * The voice side gave up mid-session (every failover attempt failed) after the session was marked
   * errored and refunded; the {@code provider_unavailable} error was already sent. The gateway ends
   * the socket, since the interview cannot go on. Not called when the first connect fails: the
   * opener sees that failure itself.
   */
  default void voiceLost() {}

  /**
   * The session exists and is connecting its first provider (retries and backoff can take seconds);
   * called before the opener's future completes. The gateway keeps it, so a client that leaves
   * meanwhile closes it: the attempts stop, no provider socket or timer stays behind, and nobody
   * marks the session errored for a candidate who is no longer on this socket.
   */
  default void opening(VoiceSession pending) {}

  /**
   * Something operators watch for happened in this session ({@code voice.failover}, {@code
   * voice.silence}, ... in {@code EventStream}): the gateway publishes it on the {@code events}
   * stream for the failure detector. Best effort; never blocks or fails the conversation.
   */
  default void signal(String type, JsonObject data) {}
}
