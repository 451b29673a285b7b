package com.interviewroom.realtime.code;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.realtime.timer.OwnedTimers;
import com.interviewroom.session.signal.SessionKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candidate's latest code for one connection: kept in memory and in Redis ({@code
 * session:{id}:code}, so a reconnect on any node resumes it), written as an {@code auto} snapshot
 * at most once per period per session (the period is claimed in Redis, {@code
 * session:{id}:auto-snapshot}, so a reconnect or a second node does not restart it) and as {@code
 * final} at the end, one write in flight at a time; {@code code.edited} goes to the event stream
 * sampled (the code observer reads the code from it). Code never reaches the voice provider. Event
 * loop only.
 */
public final class CodeSync {
  private static final Logger log = LoggerFactory.getLogger(CodeSync.class);
  private static final Duration KEY_TTL = Duration.ofHours(4);

  private final UUID sessionId;
  private final UUID userId;
  private final String requestId;
  private final Redis redis;
  private final SnapshotWriter writer;
  private final EventStream events;
  private final Clock clock;
  private final Duration snapshotEvery;
  private final Duration eventEvery;
  private final OwnedTimers timers;

  private String code;
  private String language;
  private long lastEditMs;
  private long lastSnapshotMs = Long.MIN_VALUE / 2;
  private long lastEventMs = Long.MIN_VALUE / 2;
  private boolean dirtySnapshot;
  private boolean snapshotScheduled;
  private boolean eventScheduled;
  private boolean saving;
  private boolean saveAgain;

  /** After {@link #finish} or {@link #flush}: no more {@code auto} writes from this socket. */
  private boolean done;

  /**
   * This socket's latest snapshot write (the writer orders it after any other write of the
   * session).
   */
  private Future<Void> writes = Future.succeededFuture();

  public CodeSync(
      UUID sessionId,
      UUID userId,
      String requestId,
      Redis redis,
      SnapshotWriter writer,
      EventStream events,
      Clock clock,
      Duration snapshotEvery,
      Duration eventEvery,
      OwnedTimers timers) {
    this.sessionId = sessionId;
    this.userId = userId;
    this.requestId = requestId;
    this.redis = redis;
    this.writer = writer;
    this.events = events;
    this.clock = clock;
    this.snapshotEvery = snapshotEvery;
    this.eventEvery = eventEvery;
    this.timers = timers;
  }

  public static String key(UUID sessionId) {
    return SessionKeys.code(sessionId);
  }

  /**
   * Present while the session's auto-snapshot period runs; holds the time of the write that started
   * it.
   */
  public static String autoKey(UUID sessionId) {
    return SessionKeys.autoSnapshot(sessionId);
  }

  /** Loads the latest code a previous connection left; completes with it or null. */
  public Future<JsonObject> restore() {
    return redis
        .send(Request.cmd(Command.GET).arg(key(sessionId)))
        .map(
            found -> {
              if (found == null) {
                return null;
              }
              JsonObject saved = new JsonObject(found.toString());
              code = saved.getString("code");
              language = saved.getString("language");
              lastEditMs = saved.getLong("atMs", 0L);
              return saved;
            });
  }

  public void edit(String newCode, String newLanguage) {
    code = newCode;
    language = newLanguage;
    lastEditMs = clock.millis();
    dirtySnapshot = true;
    save();
    scheduleSnapshot();
    scheduleEvent();
  }

  /**
   * One {@code SET} of the latest code in flight at a time: pooled connections could reorder
   * concurrent ones and leave an older edit in Redis. Edits made meanwhile go out as one write.
   */
  private void save() {
    if (saving) {
      saveAgain = true;
      return;
    }
    saving = true;
    JsonObject saved =
        new JsonObject().put("code", code).put("language", language).put("atMs", lastEditMs);
    redis
        .send(
            Request.cmd(Command.SET)
                .arg(key(sessionId))
                .arg(saved.encode())
                .arg("PX")
                .arg(KEY_TTL.toMillis()))
        .onComplete(
            done -> {
              saving = false;
              if (done.failed()) {
                log.warn(
                    "code not saved to redis {}",
                    kv("requestId", requestId),
                    kv("error", done.cause().getMessage()));
              }
              if (saveAgain) {
                saveAgain = false;
                save();
              }
            });
  }

  /** Writes the {@code final} snapshot after any write in flight; completes when it is stored. */
  public Future<Void> finish() {
    done = true;
    if (code == null) {
      return writes;
    }
    return enqueueWrite("final");
  }

  /**
   * On a disconnect without an end: the pending edit is stored as {@code auto} rather than lost
   * with the timer (once per socket), and the session's period restarts, so the next socket waits
   * it out.
   */
  public Future<Void> flush() {
    done = true;
    if (!dirtySnapshot || code == null) {
      return writes;
    }
    claimPeriod(false)
        .onFailure(
            e ->
                log.warn(
                    "auto-snapshot period not recorded {}",
                    kv("requestId", requestId),
                    kv("error", e.getMessage())));
    return enqueueWrite("auto");
  }

  private void scheduleSnapshot() {
    if (snapshotScheduled) {
      return;
    }
    snapshotScheduled = true;
    long wait = lastSnapshotMs + snapshotEvery.toMillis() - clock.millis();
    timers.once(
        Math.max(1, wait),
        id ->
            claimPeriod(true)
                .onComplete(
                    claimed -> {
                      snapshotScheduled = false;
                      if (done || !dirtySnapshot) {
                        return;
                      }
                      if (claimed.succeeded() && claimed.result() == 0) {
                        enqueueWrite("auto");
                      } else {
                        // another socket of the session wrote within the period, which ends in
                        // `left` ms (Redis
                        // not answering counts as a whole period): try again then
                        long left =
                            claimed.succeeded() ? claimed.result() : snapshotEvery.toMillis();
                        lastSnapshotMs = clock.millis() - snapshotEvery.toMillis() + left;
                        scheduleSnapshot();
                      }
                    }));
  }

  /**
   * Starts the session's auto-snapshot period in Redis. With {@code onlyIfOver}, only when no
   * period runs; completes with 0 when this caller started it, else the milliseconds the running
   * one has left.
   */
  private Future<Long> claimPeriod(boolean onlyIfOver) {
    Request set =
        Request.cmd(Command.SET)
            .arg(autoKey(sessionId))
            .arg(clock.millis())
            .arg("PX")
            .arg(snapshotEvery.toMillis());
    if (!onlyIfOver) {
      return redis.send(set).map(0L);
    }
    return redis
        .send(set.arg("NX"))
        .compose(
            started ->
                started != null
                    ? Future.succeededFuture(0L)
                    : redis
                        .send(Request.cmd(Command.PTTL).arg(autoKey(sessionId)))
                        .map(ttl -> Math.max(1, ttl == null ? 1 : ttl.toLong())));
  }

  private Future<Void> enqueueWrite(String type) {
    dirtySnapshot = false;
    lastSnapshotMs = clock.millis();
    String snapshotCode = code;
    String snapshotLanguage = language;
    long at = lastEditMs;
    writes =
        writer
            .write(sessionId, snapshotCode, snapshotLanguage, type, at)
            .onFailure(
                e ->
                    log.warn(
                        "code snapshot failed {} {}",
                        kv("requestId", requestId),
                        kv("snapshotType", type),
                        kv("error", e.getMessage())));
    return writes;
  }

  private void scheduleEvent() {
    if (eventScheduled) {
      return;
    }
    eventScheduled = true;
    long wait = lastEventMs + eventEvery.toMillis() - clock.millis();
    timers.once(
        Math.max(1, wait),
        id -> {
          eventScheduled = false;
          lastEventMs = clock.millis();
          // the code itself stays in this session's Redis key, which the observer reads: up to 50
          // KB per
          // entry in a stream kept at ~10,000 entries would otherwise cost Redis up to 500 MB
          JsonObject data =
              new JsonObject()
                  .put("language", language)
                  .put("codeLength", code.length())
                  .put("codeSha256", Hashing.sha256Hex(code))
                  .put("atMs", lastEditMs);
          events
              .publish(EventStream.CODE_EDITED, sessionId, userId, requestId, data)
              .onFailure(
                  e ->
                      log.warn(
                          "code.edited not published {}",
                          kv("requestId", requestId),
                          kv("error", e.getMessage())));
        });
  }

  public String code() {
    return code;
  }

  public String language() {
    return language;
  }
}
