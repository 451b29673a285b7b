package com.interviewroom.realtime.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.observability.ErrorReports;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of one group on the events stream. {@code XREADGROUP ... BLOCK} runs on a dedicated
 * connection (a blocked read would otherwise hold a pooled connection hostage); acknowledgements,
 * claims and dead-lettering go through the shared client. Each entry is acknowledged as soon as its
 * handler succeeded (acknowledgements finishing in the same event-loop turn share one XACK); failed
 * ones stay pending, are reclaimed with {@code XAUTOCLAIM} once idle, and after {@code
 * maxDeliveries} failed deliveries move to {@code <stream>.dlq}. Entries still being handled are
 * refreshed ({@code XCLAIM ... JUSTID}, which does not count as a delivery) so a slow handler is
 * never claimed away from a live consumer.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final long RETRY_READ_MS = 1_000;
  private static final long ERROR_TTL_SECONDS = 24 * 3600;

  private final WorkerSettings settings;
  private final String redisUrl;
  private final Redis commands;
  private final EntryHandler handler;
  private final MeterRegistry registry;

  private Redis readerClient;
  private RedisConnection reader;
  private Counter deadLettered;
  private Counter processed;
  private long claimTimer = -1;
  private long heartbeatTimer = -1;
  private boolean stopping;
  private boolean claiming;

  /**
   * Entries read and not yet finished; reading continues while fewer than {@code 2 × batch} are in
   * flight.
   */
  private final Set<Future<Void>> inFlight = new HashSet<>();

  /**
   * Ids being handled here: refreshed by the heartbeat, and left alone by a claim that picks one up
   * anyway.
   */
  private final Set<String> handling = new LinkedHashSet<>();

  private boolean waitingForCapacity;
  private Future<Void> claims = Future.succeededFuture();

  /** Ids finished in this event-loop turn, acknowledged together by one XACK. */
  private final List<String> toAck = new ArrayList<>();

  private Promise<Void> ackTurn;

  public WorkerVerticle(
      WorkerSettings settings,
      String redisUrl,
      Redis commands,
      EntryHandler handler,
      MeterRegistry registry) {
    this.settings = settings;
    this.redisUrl = redisUrl;
    this.commands = commands;
    this.handler = handler;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    deadLettered =
        Counter.builder("interviewroom.events.dlq")
            .description("Stream entries moved to the dead-letter stream")
            .tag("group", settings.group())
            .register(registry);
    processed =
        Counter.builder("interviewroom.events.processed")
            .description("Stream entries handled and acknowledged")
            .tag("group", settings.group())
            .register(registry);
    readerClient =
        Redis.createClient(
            vertx,
            new RedisOptions()
                .setConnectionString(redisUrl)
                .setPreferredProtocolVersion(ProtocolVersion.RESP2));
    return ensureGroup()
        .compose(v -> readerClient.connect())
        .onSuccess(
            conn -> {
              reader = conn;
              claimTimer = vertx.setPeriodic(settings.claimIntervalMs(), id -> claimIdle());
              heartbeatTimer = vertx.setPeriodic(settings.heartbeatMs(), id -> heartbeat());
              log.info(
                  "stream worker started {} {} {}",
                  kv("stream", settings.stream()),
                  kv("group", settings.group()),
                  kv("consumer", settings.consumer()));
              read();
            });
  }

  /**
   * Stops fetching, lets the entries and claim in progress finish (still refreshed), then closes
   * the reader.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (claimTimer >= 0) {
      vertx.cancelTimer(claimTimer);
    }
    List<Future<?>> draining = new ArrayList<>(inFlight);
    draining.add(claims);
    return Future.join(draining)
        .eventually(
            () -> {
              if (heartbeatTimer >= 0) {
                vertx.cancelTimer(heartbeatTimer);
              }
              if (reader != null) {
                reader.close();
              }
              return readerClient.close();
            });
  }

  /** {@code XGROUP CREATE ... $ MKSTREAM}; an existing group (BUSYGROUP) is fine. */
  private Future<Void> ensureGroup() {
    return commands
        .send(
            Request.cmd(Command.XGROUP)
                .arg("CREATE")
                .arg(settings.stream())
                .arg(settings.group())
                .arg("$")
                .arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(
            failure ->
                failure.getMessage() != null && failure.getMessage().startsWith("BUSYGROUP")
                    ? Future.succeededFuture()
                    : Future.failedFuture(failure));
  }

  private int capacity() {
    return settings.batch() * 2 - inFlight.size();
  }

  /**
   * One read at a time; the next read starts as soon as this one's entries are handed to their
   * handlers, so a slow handler (a 2 s model call) does not hold back the entries behind it.
   */
  private void read() {
    if (stopping) {
      return;
    }
    if (capacity() <= 0) {
      waitingForCapacity = true;
      return;
    }
    Request xread =
        Request.cmd(Command.XREADGROUP)
            .arg("GROUP")
            .arg(settings.group())
            .arg(settings.consumer())
            .arg("COUNT")
            .arg(Math.min(settings.batch(), capacity()))
            .arg("BLOCK")
            .arg(settings.blockMs())
            .arg("STREAMS")
            .arg(settings.stream())
            .arg(">");
    reader
        .send(xread)
        .onComplete(
            ar -> {
              if (stopping) {
                return;
              }
              if (ar.succeeded()) {
                entries(ar.result()).forEach(entry -> track(handleAndAck(entry)));
                read();
              } else if (ar.cause().getMessage() != null
                  && ar.cause().getMessage().startsWith("NOGROUP")) {
                // the stream or group was deleted under us: recreate and carry on
                ensureGroup().onComplete(done -> vertx.setTimer(RETRY_READ_MS, id -> read()));
              } else {
                log.warn(
                    "stream read failed, reconnecting {} {}",
                    kv("group", settings.group()),
                    kv("error", ar.cause().getMessage()));
                vertx.setTimer(RETRY_READ_MS, id -> reconnect());
              }
            });
  }

  private void track(Future<Void> entry) {
    if (entry.isComplete()) {
      return;
    }
    inFlight.add(entry);
    entry.onComplete(
        done -> {
          inFlight.remove(entry);
          if (waitingForCapacity && capacity() > 0) {
            waitingForCapacity = false;
            read();
          }
        });
  }

  private void reconnect() {
    if (stopping) {
      return;
    }
    if (reader != null) {
      reader.close();
    }
    readerClient
        .connect()
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                reader = ar.result();
                read();
              } else {
                vertx.setTimer(RETRY_READ_MS, id -> reconnect());
              }
            });
  }

  /** XREADGROUP's RESP2 reply: {@code [[stream, [entry, ...]]]}, or null when BLOCK timed out. */
  private static List<StreamEntry> entries(Response reply) {
    List<StreamEntry> out = new ArrayList<>();
    if (reply == null) {
      return out;
    }
    for (Response stream : reply) {
      for (Response entry : stream.get(1)) {
        StreamEntry parsed = StreamEntry.parse(entry);
        if (parsed != null) {
          out.add(parsed);
        }
      }
    }
    return out;
  }

  /**
   * Handles one entry and acknowledges it as soon as its handler succeeded; a failure leaves it
   * pending.
   */
  private Future<Void> handleAndAck(StreamEntry entry) {
    return process(entry).compose(id -> id == null ? Future.succeededFuture() : ack(id));
  }

  /**
   * The entry id once handled; null when it failed (remembered for the dead-letter record, left
   * pending).
   */
  private Future<String> process(StreamEntry entry) {
    handling.add(entry.id());
    Future<Void> handled;
    try {
      handled =
          handler
              .handle(entry, settings.group())
              .timeout(settings.handlerTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    return handled
        .eventually(
            () -> {
              handling.remove(entry.id());
              return Future.succeededFuture();
            })
        .map(v -> entry.id())
        .recover(
            failure -> {
              String error =
                  failure.getMessage() == null
                      ? failure.getClass().getSimpleName()
                      : failure.getMessage();
              log.warn(
                  "stream entry failed, will retry {} {} {}",
                  kv("group", settings.group()),
                  kv("entryId", entry.id()),
                  kv("error", error));
              return commands
                  .send(
                      Request.cmd(Command.SET)
                          .arg(errorKey(entry.id()))
                          .arg(error)
                          .arg("EX")
                          .arg(ERROR_TTL_SECONDS))
                  .<String>map(r -> null)
                  .recover(ignored -> Future.succeededFuture());
            });
  }

  /**
   * Acknowledges {@code id} together with every other entry that finishes in this event-loop turn.
   */
  private Future<Void> ack(String id) {
    toAck.add(id);
    if (ackTurn == null) {
      ackTurn = Promise.promise();
      Promise<Void> turn = ackTurn;
      context.runOnContext(
          v -> {
            List<String> ids = new ArrayList<>(toAck);
            toAck.clear();
            ackTurn = null;
            xack(ids).onComplete(turn);
          });
    }
    return ackTurn.future();
  }

  private Future<Void> xack(List<String> ids) {
    Request xack = Request.cmd(Command.XACK).arg(settings.stream()).arg(settings.group());
    ids.forEach(xack::arg);
    return commands
        .send(xack)
        .onSuccess(r -> processed.increment(ids.size()))
        .<Void>mapEmpty()
        .recover(
            failure -> {
              // unacknowledged entries are redelivered after the idle threshold; handlers are
              // idempotent
              log.warn(
                  "acknowledging failed {} {}",
                  kv("group", settings.group()),
                  kv("error", failure.getMessage()));
              return Future.succeededFuture();
            });
  }

  /**
   * Resets the idle time of every entry still being handled here ({@code XCLAIM} to ourselves with
   * {@code JUSTID}, which leaves the delivery counter alone), so another consumer's XAUTOCLAIM
   * never takes over, and never counts against, an entry whose handler is merely slow.
   */
  private void heartbeat() {
    if (handling.isEmpty()) {
      return;
    }
    Request xclaim =
        Request.cmd(Command.XCLAIM)
            .arg(settings.stream())
            .arg(settings.group())
            .arg(settings.consumer())
            .arg(0);
    handling.forEach(xclaim::arg);
    commands
        .send(xclaim.arg("JUSTID"))
        .onFailure(
            failure ->
                log.warn(
                    "refreshing entries in progress failed {} {}",
                    kv("group", settings.group()),
                    kv("error", failure.getMessage())));
  }

  private String errorKey(String id) {
    return "worker-error:" + settings.stream() + ":" + settings.group() + ":" + id;
  }

  /**
   * Claims entries idle longer than the threshold (their consumer died or failed them) and retries
   * or dead-letters them; the retries run like fresh entries, so a slow one does not hold up the
   * next claim.
   */
  private void claimIdle() {
    if (stopping || claiming) {
      return;
    }
    claiming = true;
    Request xautoclaim =
        Request.cmd(Command.XAUTOCLAIM)
            .arg(settings.stream())
            .arg(settings.group())
            .arg(settings.consumer())
            .arg(settings.claimIdleMs())
            .arg("0-0")
            .arg("COUNT")
            .arg(settings.batch());
    claims =
        commands
            .send(xautoclaim)
            .<Void>map(
                reply -> {
                  for (Response entry : reply.get(1)) {
                    StreamEntry parsed = StreamEntry.parse(entry);
                    // while stopping, a claimed entry is left pending for the next consumer
                    if (parsed != null && !stopping && !handling.contains(parsed.id())) {
                      track(retryOrDeadLetter(parsed).otherwiseEmpty());
                    }
                  }
                  return null;
                })
            .recover(
                failure -> {
                  if (!stopping) {
                    log.warn(
                        "claiming idle entries failed {} {}",
                        kv("group", settings.group()),
                        kv("error", failure.getMessage()));
                  }
                  return failure.getMessage() != null && failure.getMessage().startsWith("NOGROUP")
                      ? ensureGroup()
                      : Future.succeededFuture();
                })
            .onComplete(done -> claiming = false);
  }

  private Future<Void> retryOrDeadLetter(StreamEntry entry) {
    return deliveries(entry.id())
        .compose(
            count ->
                count > settings.maxDeliveries()
                    ? deadLetter(entry, count - 1)
                    : handleAndAck(entry));
  }

  /** The entry's delivery counter (XAUTOCLAIM just incremented it). */
  private Future<Long> deliveries(String id) {
    return commands
        .send(
            Request.cmd(Command.XPENDING)
                .arg(settings.stream())
                .arg(settings.group())
                .arg(id)
                .arg(id)
                .arg(1))
        .map(reply -> reply == null || reply.size() == 0 ? 0L : reply.get(0).get(3).toLong());
  }

  private Future<Void> deadLetter(StreamEntry entry, long failedDeliveries) {
    return commands
        .send(Request.cmd(Command.GET).arg(errorKey(entry.id())))
        .compose(
            error -> {
              Request xadd =
                  Request.cmd(Command.XADD)
                      .arg(settings.deadLetters())
                      .arg("MAXLEN")
                      .arg("~")
                      .arg("10000")
                      .arg("*");
              entry.fields().forEach((k, v) -> xadd.arg(k).arg(v));
              xadd.arg("sourceId")
                  .arg(entry.id())
                  .arg("group")
                  .arg(settings.group())
                  .arg("error")
                  .arg(error == null ? "unknown" : error.toString())
                  .arg("deliveries")
                  .arg(failedDeliveries);
              return commands.send(xadd);
            })
        .compose(added -> ack(entry.id()))
        .compose(v -> commands.send(Request.cmd(Command.DEL).arg(errorKey(entry.id()))))
        .onSuccess(
            v -> {
              deadLettered.increment();
              ErrorReports.report(
                  new IllegalStateException(
                      "stream entry dead-lettered: type "
                          + entry.type()
                          + ", group "
                          + settings.group()
                          + ", "
                          + failedDeliveries
                          + " deliveries"),
                  ErrorReports.tags(ErrorReports.SESSION_ID, entry.sessionId()));
              log.warn(
                  "stream entry dead-lettered {} {} {} {}",
                  kv("group", settings.group()),
                  kv("entryId", entry.id()),
                  kv("type", entry.type()),
                  kv("deliveries", failedDeliveries));
            })
        .mapEmpty();
  }
}
