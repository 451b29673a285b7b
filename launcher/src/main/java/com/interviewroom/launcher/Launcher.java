package com.interviewroom.launcher;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.auth.JwksIssuer;
import com.interviewroom.common.auth.LocalIssuer;
import com.interviewroom.common.auth.SigningKey;
import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.auth.TrustedIssuer;
import com.interviewroom.common.config.Config;
import com.interviewroom.common.config.Role;
import com.interviewroom.common.observability.ErrorReports;
import com.interviewroom.common.observability.Observability;
import com.interviewroom.common.outage.TimedRedis;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.edge.EdgeApp;
import com.interviewroom.realtime.RealtimeApp;
import com.interviewroom.realtime.voice.VoiceSessionFactory;
import com.interviewroom.sandbox.http.SandboxVerticle;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.Migrations;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the whole system from one {@link Config}: embedded services when URLs are unset,
 * migrations, seed data, shared clients, then the verticles {@code ROLE} asks for. Tests call
 * {@link #start(Config)} directly with port 0.
 */
public final class Launcher {
  private static final Logger log = LoggerFactory.getLogger(Launcher.class);

  private Launcher() {}

  /**
   * Blocking: call from {@code main} or a test thread, never from an event loop. Voice comes from
   * the configured providers (OpenAI Realtime, Gemini Live), or the local simulated interviewer
   * when no key is set.
   */
  public static RunningSystem start(Config requested) throws Exception {
    return start(requested, null);
  }

  /**
   * As {@link #start(Config)}; a non-null {@code voices} replaces the configured providers (tests).
   */
  public static RunningSystem start(Config requested, VoiceSessionFactory voices) throws Exception {
    ErrorReports.init(
        requested.errorTracking(), requested.role().name().toLowerCase(java.util.Locale.ROOT));
    if (requested.role() == Role.SANDBOX) {
      return startSandboxOnly(requested);
    }
    Files.createDirectories(requested.dataDir());
    EmbeddedServices embedded = new EmbeddedServices();
    Config resolved = withSandboxToken(InternalSecret.ensure(embedded.start(requested)));
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry registry = Observability.newRegistry();
    Vertx vertx = Observability.vertx(registry);
    RunningSystem running = new RunningSystem(vertx, resolved, embedded);
    try {
      Config config =
          resolved.role().runs(Role.SANDBOX)
              ? withLocalSandbox(vertx, resolved, running)
              : resolved;
      running.reconfigure(config);
      Migrations.migrate(config.databaseUrl());
      // seeding is one long transaction: it gets a start-up budget, not a request's query timeout
      Database seeding = Database.connect(vertx, config.databaseUrl(), 2, Database.Timeouts.LONG);
      try {
        int seeded = ProblemBankSeeder.seed(seeding, ProblemBank.load()).await();
        log.info("problem bank seeded {}", kv("problems", seeded));
      } finally {
        seeding.close().await();
      }
      Database db =
          Database.connect(
              vertx,
              config.databaseUrl(),
              16,
              new Database.Timeouts(
                  config.resilience().dbAcquireTimeoutMs(),
                  config.resilience().dbQueryTimeoutMs()));
      running.onClose(db::close);

      Redis redis =
          new TimedRedis(
              Redis.createClient(
                  vertx,
                  new RedisOptions()
                      .setConnectionString(config.redisUrl())
                      .setMaxPoolSize(32)
                      .setMaxPoolWaiting(2048)),
              config.resilience().redisTimeoutMs());
      running.onClose(
          () -> {
            redis.close();
            return io.vertx.core.Future.succeededFuture();
          });
      log.info("redis version checked {}", kv("redisVersion", RedisVersion.check(redis).await()));
      ObjectStore store = new ObjectStore(vertx, config.s3(), config.recording());
      running.onClose(
          () -> {
            store.close();
            return io.vertx.core.Future.succeededFuture();
          });
      store.ensureBucket().await();

      SigningKey signingKey =
          SigningKey.loadOrCreate(config.dataDir().resolve("keys/jwt-signing-key.json"));
      TokenIssuer issuer = new TokenIssuer(signingKey, config.http().publicBaseUrl(), clock);
      TokenVerifier verifier =
          new TokenVerifier(trustedIssuers(vertx, config, signingKey, issuer, clock), clock);
      EdgeApp edge =
          new EdgeApp(config, db, redis, store, signingKey, issuer, verifier, registry, clock);

      int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
      RealtimeApp realtime =
          config.role().runs(Role.REALTIME)
              ? RealtimeApp.create(
                  vertx, config, verifier, db, redis, store, voices, registry, clock, running)
              : null;
      Integer internalPort = null;
      if (config.role().runs(Role.EDGE)) {
        // ROLE=all: REST and /ws share PORT, the gateway's handlers ride on the edge's server
        java.util.function.Consumer<io.vertx.core.http.HttpServer> extension =
            realtime == null ? server -> {} : realtime::attach;
        internalPort = edge.deploy(vertx, instances, extension, running);
      } else if (realtime != null) {
        realtime.deploy(vertx, config, instances, running);
      }
      if (config.role().runs(Role.WORKER)) {
        RealtimeApp.deployWorkers(vertx, config, db, redis, registry, clock, running, internalPort);
      }
      return running;
    } catch (Exception | Error e) {
      running.close();
      throw e;
    }
  }

  /**
   * {@code ROLE=all}: runs the sandbox runner in this process, on loopback, when {@code
   * SANDBOX_URL} is unset and points the edge at it. A host without bubblewrap, root or the
   * runtimes still starts: the runner then refuses runs and its health (so readiness and session
   * start) says what is missing. A runner that cannot listen (SANDBOX_PORT taken) stops start-up:
   * silently running without it would start and charge sessions that can run nothing.
   */
  private static Config withLocalSandbox(Vertx vertx, Config config, RunningSystem running) {
    if (config.sandbox().url() != null) {
      return config;
    }
    SandboxVerticle sandbox = new SandboxVerticle(config.sandbox(), SandboxVerticle.LOOPBACK);
    try {
      running.deployed("sandbox", vertx.deployVerticle(sandbox).await());
    } catch (Exception e) {
      throw new IllegalStateException(
          "The sandbox runner could not start on "
              + SandboxVerticle.LOOPBACK
              + ":"
              + config.sandbox().port()
              + " (SANDBOX_PORT; default PORT+2): "
              + e.getMessage(),
          e);
    }
    return config.withSandboxUrl("http://" + SandboxVerticle.LOOPBACK + ":" + sandbox.actualPort());
  }

  /**
   * The runner's credential: {@code SANDBOX_TOKEN}, or outside production one generated once into
   * {@code DATA_DIR/keys/sandbox-token}, so an edge and a runner sharing the data directory agree
   * (production refuses a separate runner without the variable, see {@code Config}).
   */
  static Config withSandboxToken(Config config) {
    if (config.sandbox().token() != null) {
      return config;
    }
    return config.withSandboxToken(
        InternalSecret.loadOrCreate(config.dataDir().resolve("keys/sandbox-token")));
  }

  /**
   * {@code ROLE=sandbox}: only the runner's private API (on every interface, token required), no
   * database or Redis.
   */
  private static RunningSystem startSandboxOnly(Config requested) throws Exception {
    Config config = withSandboxToken(requested);
    PrometheusMeterRegistry registry = Observability.newRegistry();
    Vertx vertx = Observability.vertx(registry);
    RunningSystem running = new RunningSystem(vertx, config, new EmbeddedServices());
    try {
      running.deployed(
          "sandbox",
          vertx.deployVerticle(new SandboxVerticle(config.sandbox(), "0.0.0.0")).await());
      return running;
    } catch (Exception e) {
      running.close();
      throw e;
    }
  }

  private static List<TrustedIssuer> trustedIssuers(
      Vertx vertx, Config config, SigningKey key, TokenIssuer issuer, Clock clock) {
    List<TrustedIssuer> issuers = new ArrayList<>();
    issuers.add(new LocalIssuer(issuer.issuer(), key));
    if (config.auth().externalIssuer()) {
      issuers.add(
          new JwksIssuer(
              vertx,
              config.auth().jwksUrl(),
              config.auth().issuer(),
              config.auth().audience(),
              clock));
    }
    return issuers;
  }
}
