package com.interviewroom.realtime.voice.providers;

import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.ProviderException;
import com.interviewroom.realtime.voice.ProviderHealth;
import com.interviewroom.realtime.voice.VoiceEvent;
import com.interviewroom.realtime.voice.VoiceEvents;
import com.interviewroom.realtime.voice.VoiceProvider;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Wraps a provider so a permanent refusal (a fatal connect failure or a fatal error event: unknown
 * model, bad key, no quota) marks it unusable in {@link ProviderHealth}: later sessions skip it.
 */
final class HealthTracking implements VoiceProvider {
  private final VoiceProvider inner;
  private final ProviderHealth health;

  HealthTracking(VoiceProvider inner, ProviderHealth health) {
    this.inner = inner;
    this.health = health;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Future<Void> connect(InterviewContext context, VoiceEvents events) {
    return inner
        .connect(
            context,
            event -> {
              if (event instanceof VoiceEvent.Error e && e.fatal()) {
                health.markUnusable(inner.name(), e.code());
              } else if (event instanceof VoiceEvent.ResponseFailed f && f.fatal()) {
                health.markUnusable(inner.name(), f.code());
              }
              events.on(event);
            })
        .onFailure(
            err -> {
              if (err instanceof ProviderException pe && pe.fatal()) {
                health.markUnusable(inner.name(), pe.code());
              }
            });
  }

  @Override
  public void sendAudio(Buffer pcm16At24k) {
    inner.sendAudio(pcm16At24k);
  }

  @Override
  public void commit() {
    inner.commit();
  }

  @Override
  public void cancel(long playedMs) {
    inner.cancel(playedMs);
  }

  @Override
  public void inject(ContextNote note) {
    inner.inject(note);
  }

  @Override
  public Future<Void> disconnect() {
    return inner.disconnect();
  }
}
