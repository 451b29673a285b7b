package com.interviewroom.realtime.voice.providers;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.voice.ProviderHealth;
import com.interviewroom.realtime.voice.VoiceProvider;
import com.interviewroom.realtime.voice.VoiceProviderSource;
import com.interviewroom.realtime.voice.gemini.GeminiLiveProvider;
import com.interviewroom.realtime.voice.local.LocalVoiceProvider;
import com.interviewroom.realtime.voice.openai.OpenAiRealtimeProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/**
 * Makes a fresh provider per session by name, sharing one WebSocket client (one connection pool,
 * one set of buffers) across every session of the verticle. Call {@link #close()} on undeploy.
 */
public final class VoiceProviders implements VoiceProviderSource {
  /** Model audio frames can be large (seconds of base64 audio); the default 64 KiB is too small. */
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Vertx vertx;
  private final Config.Providers config;
  private final WebSocketClient client;
  private final ProviderHealth health = new ProviderHealth(java.time.Clock.systemUTC());

  public VoiceProviders(Vertx vertx, Config.Providers config) {
    this.vertx = vertx;
    this.config = config;
    this.client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxFrameSize(MAX_MESSAGE_BYTES)
                .setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setConnectTimeout(10_000)
                .setMaxConnections(100_000));
  }

  @Override
  public VoiceProvider apply(String name) {
    return switch (name) {
      case OpenAiRealtimeProvider.NAME ->
          new HealthTracking(
              new OpenAiRealtimeProvider(
                  client,
                  config.openAiRealtimeUrl(),
                  config.openAiKey(),
                  config.models().openAiRealtime(),
                  config.models().openAiTranscribe()),
              health);
      case GeminiLiveProvider.NAME ->
          new HealthTracking(
              new GeminiLiveProvider(
                  client, config.geminiLiveUrl(), config.geminiKey(), config.models().geminiLive()),
              health);
      default -> new LocalVoiceProvider(vertx);
    };
  }

  @Override
  public ProviderHealth health() {
    return health;
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
