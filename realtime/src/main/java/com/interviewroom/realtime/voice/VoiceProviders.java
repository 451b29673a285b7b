package com.interviewroom.realtime.voice;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.voice.gemini.GeminiLiveProvider;
import com.interviewroom.realtime.voice.local.LocalVoiceProvider;
import com.interviewroom.realtime.voice.openai.OpenAiRealtimeProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.util.function.Function;

/**
 * Makes a fresh provider per session by name, sharing one WebSocket client (one connection pool,
 * one set of buffers) across every session of the verticle. Call {@link #close()} on undeploy.
 */
public final class VoiceProviders implements Function<String, VoiceProvider> {
  /** Model audio frames can be large (seconds of base64 audio); the default 64 KiB is too small. */
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Vertx vertx;
  private final Config.Providers config;
  private final WebSocketClient client;
  private final ProviderHealth health = new ProviderHealth(java.time.Clock.systemUTC());

  public VoiceProviders(Vertx vertx, Config.Providers config) {
    this.vertx = vertx;
    this.config = config;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(MAX_MESSAGE_BYTES)
        .setMaxMessageSize(MAX_MESSAGE_BYTES)
        .setConnectTimeout(10_000)
        .setMaxConnections(100_000));
  }

  @Override
  public VoiceProvider apply(String name) {
    return switch (name) {
      case OpenAiRealtimeProvider.NAME -> new HealthTracking(new OpenAiRealtimeProvider(client, config.openAiRealtimeUrl(),
          config.openAiKey(), config.models().openAiRealtime(), config.models().openAiTranscribe()), health);
      case GeminiLiveProvider.NAME -> new HealthTracking(new GeminiLiveProvider(client, config.geminiLiveUrl(),
          config.geminiKey(), config.models().geminiLive()), health);
      default -> new LocalVoiceProvider(vertx);
    };
  }

  /** Permanent refusals seen by any session of this verticle; the selector skips those providers. */
  public ProviderHealth health() {
    return health;
  }

  public Future<Void> close() {
    return client.close();
  }
}
