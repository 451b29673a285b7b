package com.interviewroom.realtime.support;

import com.interviewroom.realtime.voice.ClientChannel;
import com.interviewroom.realtime.voice.VoiceSession;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A client channel that remembers what the candidate would have received, with arrival times. */
public final class RecordingClient implements ClientChannel {
  public record Frame(long nanos, Buffer audio, JsonObject json) {}

  public final List<Frame> frames = new CopyOnWriteArrayList<>();

  /** How often the voice side reported that it gave up mid-session. */
  public final java.util.concurrent.atomic.AtomicInteger voiceLost =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The session handed over while it was still connecting, as the gateway keeps it. */
  public volatile VoiceSession opening;

  @Override
  public void opening(VoiceSession pending) {
    opening = pending;
  }

  /** What the bridge announced for the events stream ({@code voice.*}), as {@code {type, data}}. */
  public final List<JsonObject> signals = new CopyOnWriteArrayList<>();

  @Override
  public void signal(String type, JsonObject data) {
    signals.add(new JsonObject().put("type", type).put("data", data));
  }

  public List<JsonObject> signals(String type) {
    return signals.stream()
        .filter(s -> type.equals(s.getString("type")))
        .map(s -> s.getJsonObject("data"))
        .toList();
  }

  @Override
  public void voiceLost() {
    voiceLost.incrementAndGet();
  }

  @Override
  public void sendAudio(Buffer pcm16At24k) {
    frames.add(new Frame(System.nanoTime(), pcm16At24k, null));
  }

  @Override
  public void sendJson(JsonObject message) {
    frames.add(new Frame(System.nanoTime(), null, message));
  }

  public List<JsonObject> json(String type) {
    return frames.stream()
        .filter(f -> f.json() != null && type.equals(f.json().getString("type")))
        .map(Frame::json)
        .toList();
  }

  public List<Frame> audio() {
    return frames.stream().filter(f -> f.audio() != null).toList();
  }

  public long audioBytes() {
    return audio().stream().mapToLong(f -> f.audio().length()).sum();
  }

  public boolean hasError(String code) {
    return json("error").stream().anyMatch(j -> code.equals(j.getString("code")));
  }

  /**
   * The last final transcript for {@code itemId} (a barge-in replaces the text with what was
   * heard), or null.
   */
  public String lastFinal(String itemId) {
    List<String> texts =
        json("transcript").stream()
            .filter(j -> j.getBoolean("final") && itemId.equals(j.getString("itemId")))
            .map(j -> j.getString("text"))
            .toList();
    return texts.isEmpty() ? null : texts.get(texts.size() - 1);
  }

  public List<String> finals(String role) {
    return json("transcript").stream()
        .filter(j -> j.getBoolean("final") && role.equals(j.getString("role")))
        .map(j -> j.getString("text"))
        .toList();
  }
}
