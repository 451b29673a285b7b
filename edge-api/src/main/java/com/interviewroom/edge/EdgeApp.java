package com.interviewroom.edge;

import com.interviewroom.common.auth.SigningKey;
import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.config.Config;
import com.interviewroom.common.lifecycle.Lifecycle;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.edge.console.SlackAlerts;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.edge.internal.InternalVerticle;
import com.interviewroom.edge.retention.RetentionJob;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.console.AlertOutboxStore;
import com.interviewroom.session.SessionSweeper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.util.function.Consumer;

/** The edge API's entry point: what the launcher deploys for {@code ROLE=edge}. */
public final class EdgeApp {
  private final EdgeContext app;

  public EdgeApp(
      Config config,
      Database db,
      Redis redis,
      ObjectStore store,
      SigningKey signingKey,
      TokenIssuer issuer,
      TokenVerifier verifier,
      PrometheusMeterRegistry registry,
      Clock clock) {
    this.app =
        new EdgeContext(config, db, redis, store, signingKey, issuer, verifier, registry, clock);
  }

  /**
   * Blocking (call off the event loop): the public listener, {@code instances} of it, with {@code
   * extension} attached to its server before it listens; the session sweeper, the retention job,
   * the Slack alert sender; then the internal listener. Returns the internal listener's port.
   */
  public int deploy(
      Vertx vertx, int instances, Consumer<HttpServer> extension, Lifecycle lifecycle) {
    String id =
        vertx
            .deployVerticle(
                () -> new EdgeVerticle(app, extension),
                new DeploymentOptions().setInstances(instances))
            .await();
    lifecycle.deployed("edge", id);
    // one sweeper per process is plenty; several processes sweeping at once is safe (SKIP LOCKED)
    lifecycle.deployed(
        "session-sweeper", vertx.deployVerticle(new SessionSweeper(app.db(), app.redis())).await());
    // the retention job takes a cluster-wide advisory lock per batch: every edge process may run it
    lifecycle.deployed(
        "retention",
        vertx
            .deployVerticle(
                new RetentionJob(
                    app.db(),
                    app.store(),
                    app.registry(),
                    app.config().retention(),
                    app.config().recording().retentionDays(),
                    app.clock(),
                    RetentionJob.INTERVAL))
            .await());
    // Slack alerts queued by the failure detector; several edges sending is safe (leased rows)
    lifecycle.deployed(
        "slack-alerts",
        vertx
            .deployVerticle(new SlackAlerts(new AlertOutboxStore(app.db()), app.config()))
            .await());
    InternalVerticle internal = new InternalVerticle(app);
    lifecycle.deployed("internal", vertx.deployVerticle(internal).await());
    return internal.actualPort();
  }
}
