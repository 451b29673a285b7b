package com.interviewroom.realtime.voice;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Makes a fresh provider per session by name, one source per gateway verticle, closed on undeploy.
 * The implementation ({@code voice.providers.VoiceProviders}) knows every provider, and the
 * providers are built on this package: it is handed in ({@code RealtimeApp}) so this package needs
 * none of theirs.
 */
public interface VoiceProviderSource extends Function<String, VoiceProvider> {
  /**
   * Permanent refusals seen by any session of this verticle; the selector skips those providers.
   */
  ProviderHealth health();

  Future<Void> close();
}
