package com.interviewroom.realtime;

import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.config.Config;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.common.lifecycle.Lifecycle;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.realtime.gateway.GatewaySettings;
import com.interviewroom.realtime.gateway.RealtimeGateway;
import com.interviewroom.realtime.gateway.RealtimeVerticle;
import com.interviewroom.realtime.health.FailureDetector;
import com.interviewroom.realtime.recording.Recorders;
import com.interviewroom.realtime.voice.VoiceBridges;
import com.interviewroom.realtime.voice.VoiceSessionFactory;
import com.interviewroom.realtime.voice.providers.VoiceProviders;
import com.interviewroom.realtime.worker.AgentHandlers;
import com.interviewroom.realtime.worker.WorkerSettings;
import com.interviewroom.realtime.worker.WorkerVerticle;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.console.FailureStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.util.List;

/**
 * The realtime module's entry point: the WebSocket gateway with its voice bridges and recorders
 * ({@code ROLE=realtime}), and the Redis Streams workers ({@code ROLE=worker}).
 */
public final class RealtimeApp {
  private final RealtimeGateway gateway;

  private RealtimeApp(RealtimeGateway gateway) {
    this.gateway = gateway;
  }

  /**
   * The gateway, not yet serving: {@link #attach} it to the edge's server or {@link #deploy} a
   * listener of its own. A non-null {@code voices} replaces the configured providers (tests).
   */
  public static RealtimeApp create(
      Vertx vertx,
      Config config,
      TokenVerifier verifier,
      Database db,
      Redis redis,
      ObjectStore store,
      VoiceSessionFactory voices,
      PrometheusMeterRegistry registry,
      Clock clock,
      Lifecycle lifecycle) {
    VoiceSessionFactory voiceSessions = voices;
    if (voiceSessions == null) {
      VoiceBridges bridges =
          new VoiceBridges(
              vertx, config, db, registry, () -> new VoiceProviders(vertx, config.providers()));
      lifecycle.onClose(bridges::close);
      voiceSessions = bridges;
    }
    Recorders recorders =
        Recorders.create(
            vertx,
            config.recording(),
            store,
            db,
            registry,
            clock,
            config.dataDir().resolve("recording-spool"));
    // closed before the store and the pool (closers run last-in first-out): queued chunks get
    // stored
    lifecycle.onClose(recorders::close);
    RealtimeGateway gateway =
        new RealtimeGateway(
            vertx,
            verifier,
            db,
            redis,
            voiceSessions,
            registry,
            clock,
            GatewaySettings.from(config.realtime()),
            recorders);
    lifecycle.onClose(gateway::close);
    return new RealtimeApp(gateway);
  }

  /**
   * {@code ROLE=all}: REST and /ws share PORT, the gateway's handlers ride on the edge's server.
   */
  public void attach(HttpServer server) {
    gateway.attach(server);
  }

  /** Blocking: the gateway on a listener of its own ({@code PORT}), {@code instances} of it. */
  public void deploy(Vertx vertx, Config config, int instances, Lifecycle lifecycle) {
    String id =
        vertx
            .deployVerticle(
                () -> new RealtimeVerticle(gateway, config.http().port(), config.resilience()),
                new DeploymentOptions().setInstances(instances))
            .await();
    lifecycle.deployed("realtime", id);
  }

  /**
   * Blocking: one consumer per group; the workers call this process's internal listener when it
   * runs one ({@code localInternalPort} not null), else {@code INTERNAL_HOST:INTERNAL_PORT}.
   */
  public static void deployWorkers(
      Vertx vertx,
      Config config,
      Database db,
      Redis redis,
      PrometheusMeterRegistry registry,
      Clock clock,
      Lifecycle lifecycle,
      Integer localInternalPort) {
    String host = config.http().internalHost();
    String target = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
    int port = localInternalPort != null ? localInternalPort : config.http().internalPort();
    InternalClient client =
        new InternalClient(
            vertx,
            "http://" + target + ":" + port,
            config.internalWebhookSecret(),
            clock,
            AgentHandlers.CALL_TIMEOUT_MS);
    lifecycle.onClose(
        () -> {
          client.close();
          return Future.succeededFuture();
        });
    String observers =
        vertx
            .deployVerticle(
                new WorkerVerticle(
                    WorkerSettings.defaults(WorkerSettings.STREAM, WorkerSettings.OBSERVERS),
                    config.redisUrl(),
                    redis,
                    AgentHandlers.observer(client, redis),
                    registry))
            .await();
    lifecycle.deployed("observer-workers", observers);
    String evaluators =
        vertx
            .deployVerticle(
                new WorkerVerticle(
                    WorkerSettings.defaults(WorkerSettings.STREAM, WorkerSettings.EVALUATORS),
                    config.redisUrl(),
                    redis,
                    AgentHandlers.evaluator(client, new EventStream(redis)),
                    registry))
            .await();
    lifecycle.deployed("evaluator-workers", evaluators);
    // the failure detector reads the stream and what the other groups dead-lettered
    FailureDetector detector =
        new FailureDetector(
            new FailureStore(db, config.http().publicBaseUrl()), redis, config.console());
    for (String stream :
        List.of(
            WorkerSettings.STREAM,
            WorkerSettings.defaults(WorkerSettings.STREAM, FailureDetector.GROUP).deadLetters())) {
      lifecycle.deployed(
          "failure-detectors:" + stream,
          vertx
              .deployVerticle(
                  new WorkerVerticle(
                      WorkerSettings.defaults(stream, FailureDetector.GROUP),
                      config.redisUrl(),
                      redis,
                      detector,
                      registry))
              .await());
    }
  }
}
