package com.interviewroom.realtime.health;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.realtime.worker.EntryHandler;
import com.interviewroom.realtime.worker.StreamEntry;
import com.interviewroom.realtime.worker.WorkerSettings;
import com.interviewroom.schema.console.Detection;
import com.interviewroom.schema.console.FailureKind;
import com.interviewroom.schema.console.FailureStore;
import com.interviewroom.session.model.SessionStatus;
import com.interviewroom.session.signal.SessionKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code failure-detectors} group on the {@code events} stream and its dead-letter stream:
 * turns what happened in an interview into {@code failures} rows ({@link FailureStore}).
 * Idempotent: a redelivered entry finds its failure already recorded (same session, kind and
 * window, the window taken from the entry id, not the clock), and counted signals (barge-ins,
 * socket drops) are counted as a set of entry ids, so a redelivery counts once.
 */
public final class FailureDetector implements EntryHandler {
  private static final Logger log = LoggerFactory.getLogger(FailureDetector.class);
  public static final String GROUP = "failure-detectors";

  /** Counted signals are kept this long per session (longer than any interview). */
  private static final long COUNT_TTL_SECONDS = 24 * 3600;

  private final FailureStore store;
  private final Redis redis;
  private final Config.Console thresholds;
  private final String evaluatorGroup;

  public FailureDetector(FailureStore store, Redis redis, Config.Console thresholds) {
    this(store, redis, thresholds, WorkerSettings.EVALUATORS);
  }

  /**
   * {@code evaluatorGroup}: the group whose dead letters are failed evaluations (tests use their
   * own).
   */
  public FailureDetector(
      FailureStore store, Redis redis, Config.Console thresholds, String evaluatorGroup) {
    this.store = store;
    this.redis = redis;
    this.thresholds = thresholds;
    this.evaluatorGroup = evaluatorGroup;
  }

  @Override
  public Future<Void> handle(StreamEntry entry, String group) {
    UUID sessionId = entry.sessionId();
    if (sessionId == null) {
      return Future.succeededFuture();
    }
    return detect(entry)
        .compose(
            kind ->
                kind == null
                    ? Future.<Void>succeededFuture()
                    : store
                        .record(
                            new Detection(
                                sessionId,
                                kind,
                                atMs(entry),
                                FailureStore.evidence(entry.id(), entry.type(), evidence(entry))))
                        .onSuccess(
                            recorded -> {
                              if (recorded != null) {
                                log.info(
                                    "failure detected {} {} {} {}",
                                    kv("sessionId", sessionId),
                                    kv("kind", kind.dbValue()),
                                    kv("health", recorded.score()),
                                    kv("alerts", recorded.alerts().size()));
                              }
                            })
                        .mapEmpty());
  }

  /** The kind this entry shows, or null when it shows none (yet). */
  private Future<FailureKind> detect(StreamEntry entry) {
    JsonObject data = entry.data();
    String deadLetterGroup = entry.fields().get("group");
    if (entry.fields().containsKey("sourceId") && deadLetterGroup != null) {
      // an entry of the dead-letter stream: its group gave up on it
      return Future.succeededFuture(
          evaluatorGroup.equals(deadLetterGroup) && EventStream.SESSION_ENDED.equals(entry.type())
              ? FailureKind.EVALUATION_DEAD_LETTERED
              : null);
    }
    return switch (entry.type()) {
      case EventStream.SESSION_ENDED ->
          Future.succeededFuture(
              SessionStatus.ERRORED.dbValue().equals(data.getString("status"))
                  ? FailureKind.SESSION_ERRORED_REFUNDED
                  : null);
      case EventStream.VOICE_UNAVAILABLE ->
          Future.succeededFuture(FailureKind.PROVIDER_UNAVAILABLE);
      case EventStream.VOICE_FAILOVER -> Future.succeededFuture(FailureKind.PROVIDER_FAILOVER);
      case EventStream.EVALUATION_FAILED -> Future.succeededFuture(FailureKind.EVALUATION_FAILED);
      case EventStream.VOICE_SILENCE -> Future.succeededFuture(FailureKind.INTERVIEWER_SILENT);
      case EventStream.SANDBOX_UNAVAILABLE ->
          Future.succeededFuture(FailureKind.SANDBOX_UNAVAILABLE);
      case EventStream.VOICE_FIRST_AUDIO ->
          Future.succeededFuture(
              !data.getBoolean("resumed", false)
                      && data.getLong("latencyMs", 0L) > thresholds.firstAudioMs()
                  ? FailureKind.SLOW_FIRST_AUDIO
                  : null);
      case EventStream.VOICE_BARGE_IN ->
          count(entry, "barge-ins")
              .map(n -> n >= thresholds.bargeInsRepeated() ? FailureKind.REPEATED_BARGE_INS : null);
      case EventStream.SOCKET_DROPPED ->
          count(entry, "socket-drops")
              .map(n -> n > thresholds.socketDropsAllowed() ? FailureKind.SOCKET_DROPS : null);
      default -> Future.succeededFuture(null);
    };
  }

  /** How many distinct entries of this signal the session has had, this one included. */
  private Future<Long> count(StreamEntry entry, String signal) {
    String key = SessionKeys.failureSignal(entry.sessionId(), signal);
    return redis
        .send(Request.cmd(Command.SADD).arg(key).arg(entry.id()))
        .compose(added -> redis.send(Request.cmd(Command.EXPIRE).arg(key).arg(COUNT_TTL_SECONDS)))
        .compose(ok -> redis.send(Request.cmd(Command.SCARD).arg(key)))
        .map(n -> n.toLong());
  }

  /** What the failure row keeps: the event's data, and for a dead letter why its group gave up. */
  private static JsonObject evidence(StreamEntry entry) {
    JsonObject data = entry.data();
    if (entry.fields().containsKey("sourceId")) {
      data.put("group", entry.fields().get("group"))
          .put("deliveries", entry.fields().get("deliveries"))
          .put("error", entry.fields().get("error"))
          .put("sourceId", entry.fields().get("sourceId"));
    }
    return data;
  }

  /** The entry id's milliseconds ({@code <ms>-<seq>}): the same on every delivery. */
  static long atMs(StreamEntry entry) {
    String id = entry.id();
    int dash = id.indexOf('-');
    try {
      return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    } catch (NumberFormatException e) {
      return System.currentTimeMillis();
    }
  }
}
