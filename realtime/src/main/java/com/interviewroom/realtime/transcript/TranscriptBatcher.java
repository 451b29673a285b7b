package com.interviewroom.realtime.transcript;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects transcript items from every session on one event loop and writes them every {@code
 * interval} (or sooner once {@code flushAt} items wait) with multi-row upserts on {@code
 * (session_id, item_id)} as the service role, at most {@link #ROWS_PER_STATEMENT} rows per
 * statement (Postgres takes at most 65,535 parameters, 5 a row). Items are keyed, so a later
 * version of an item replaces the earlier one in memory and a retried write never duplicates a row.
 * A failed write keeps the items it did not write; the next attempt waits a backoff that doubles
 * from {@code firstRetry} up to {@code maxRetry}, so a database that is down is not hammered on
 * every add. Memory is bounded by {@code maxPending} keys (beyond that, new keys are refused and
 * counted, never silently lost). Text is redacted before it leaves memory. Rows are sent in
 * turn-start order and carry {@code turn_started_at}, which is what readers order by, so a user
 * item transcribed late still sorts before the answer to it.
 *
 * <p>{@link #addDurable} is for what the candidate is told is final: its future completes only once
 * the item is in the database, and a write is due within {@code durableWithin} rather than the next
 * tick, so a node that dies right after telling the client loses nothing it acknowledged.
 */
public final class TranscriptBatcher {
  private static final Logger LOG = LoggerFactory.getLogger(TranscriptBatcher.class);
  static final int ROWS_PER_STATEMENT = 1_000;

  /**
   * How long an acknowledged item may wait for its write: short for the client, long enough to
   * batch sessions.
   */
  static final Duration DURABLE_WITHIN = Duration.ofMillis(150);

  private record Key(UUID sessionId, String itemId) {}

  private final Vertx vertx;
  private final Database db;
  private final int flushAt;
  private final int maxPending;
  private final long firstRetryNanos;
  private final long maxRetryNanos;
  private final long timerId;
  private final long durableWithinMs;
  private long soonTimer = -1;
  private Map<Key, TranscriptItem> pending = new LinkedHashMap<>();

  /**
   * Who waits for a key to be written; handed to the write that takes the key, put back if it
   * fails.
   */
  private Map<Key, List<Promise<Void>>> waiters = new HashMap<>();

  private Future<Void> inFlight = Future.succeededFuture();
  private boolean writing;
  private int unwrittenInFlight;
  private long refused;
  private long failedWrites;

  /** 0 after a successful write; otherwise how long the next attempt waits. */
  private long retryDelayNanos;

  private long retryAtNanos;
  private boolean closed;

  public TranscriptBatcher(
      Vertx vertx, Database db, Duration interval, int flushAt, int maxPending) {
    this(vertx, db, interval, flushAt, maxPending, Duration.ofSeconds(1), Duration.ofMinutes(1));
  }

  public TranscriptBatcher(
      Vertx vertx,
      Database db,
      Duration interval,
      int flushAt,
      int maxPending,
      Duration firstRetry,
      Duration maxRetry) {
    this(vertx, db, interval, flushAt, maxPending, firstRetry, maxRetry, DURABLE_WITHIN);
  }

  public TranscriptBatcher(
      Vertx vertx,
      Database db,
      Duration interval,
      int flushAt,
      int maxPending,
      Duration firstRetry,
      Duration maxRetry,
      Duration durableWithin) {
    this.vertx = vertx;
    this.durableWithinMs = Math.max(1, durableWithin.toMillis());
    this.db = db;
    this.flushAt = flushAt;
    this.maxPending = maxPending;
    this.firstRetryNanos = firstRetry.toNanos();
    this.maxRetryNanos = Math.max(firstRetry.toNanos(), maxRetry.toNanos());
    this.timerId = vertx.setPeriodic(interval.toMillis(), id -> flush());
  }

  public static TranscriptBatcher standard(Vertx vertx, Database db) {
    return new TranscriptBatcher(vertx, db, Duration.ofSeconds(5), 200, 50_000);
  }

  /**
   * Accepts an item; false when memory is full (the database has been unreachable for a long time).
   */
  public boolean add(TranscriptItem item) {
    Key key = new Key(item.sessionId(), item.itemId());
    if (!pending.containsKey(key) && pending.size() >= maxPending) {
      refused++;
      LOG.warn("transcript buffer full; refused an item (refused so far: {})", refused);
      return false;
    }
    pending.put(key, item);
    if (pending.size() >= flushAt) {
      flush();
    }
    return true;
  }

  /**
   * Accepts an item that is about to be acknowledged to the client; the future completes once it
   * (or a later version of it) is written, and fails only when memory is full.
   */
  public Future<Void> addDurable(TranscriptItem item) {
    if (!add(item)) {
      return Future.failedFuture(new IllegalStateException("transcript buffer full"));
    }
    Promise<Void> written = Promise.promise();
    waiters
        .computeIfAbsent(new Key(item.sessionId(), item.itemId()), k -> new ArrayList<>(1))
        .add(written);
    if (soonTimer < 0 && !closed) {
      soonTimer =
          vertx.setTimer(
              durableWithinMs,
              id -> {
                soonTimer = -1;
                flush();
              });
    }
    return written.future();
  }

  /** Items not written yet: waiting, or in the write now running. */
  public int pendingCount() {
    return pending.size() + unwrittenInFlight;
  }

  /** Write attempts that failed so far (each waits out a backoff before the next). */
  public long failedWrites() {
    return failedWrites;
  }

  /**
   * Writes what is pending now (after the write in progress, if any), unless a failed write's
   * backoff has not passed; the future completes when that write is done (or failed and kept).
   */
  public Future<Void> flush() {
    if (writing) {
      return inFlight.transform(ar -> flush()); // what arrived meanwhile goes in the next write
    }
    if (pending.isEmpty() || System.nanoTime() - retryAtNanos < 0) {
      return inFlight.recover(
          err -> Future.succeededFuture()); // a later tick retries once the backoff has passed
    }
    writing = true;
    inFlight = writePending().onComplete(ar -> writing = false);
    return inFlight.recover(err -> Future.succeededFuture());
  }

  /**
   * Stops the timer and writes everything pending, backoff or not; fails if that last write failed.
   */
  public Future<Void> close() {
    if (!closed) {
      closed = true;
      vertx.cancelTimer(timerId);
      if (soonTimer >= 0) {
        vertx.cancelTimer(soonTimer);
        soonTimer = -1;
      }
    }
    return inFlight.transform(ar -> writePending());
  }

  /**
   * Takes everything pending and writes it statement by statement; what a failure leaves unwritten
   * goes back.
   */
  private Future<Void> writePending() {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<TranscriptItem> batch = new ArrayList<>(pending.values());
    unwrittenInFlight = batch.size();
    pending = new LinkedHashMap<>();
    batch.sort(Comparator.comparing(TranscriptItem::turnStartedAt));
    // everyone waiting now waits for this batch's version of the key (or a later one)
    Map<Key, List<Promise<Void>>> waiting = new HashMap<>();
    for (TranscriptItem it : batch) {
      Key key = new Key(it.sessionId(), it.itemId());
      List<Promise<Void>> these = waiters.remove(key);
      if (these != null) {
        waiting.put(key, these);
      }
    }
    return writeFrom(batch, 0, waiting).onSuccess(v -> retryDelayNanos = 0);
  }

  private Future<Void> writeFrom(
      List<TranscriptItem> batch, int from, Map<Key, List<Promise<Void>>> waiting) {
    if (from >= batch.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(batch.size(), from + ROWS_PER_STATEMENT);
    return writeDroppingDeletedSessions(batch.subList(from, to))
        .recover(
            err -> {
              keepForRetry(batch.subList(from, batch.size()), err);
              waiting.forEach(
                  (key, these) ->
                      waiters
                          .computeIfAbsent(key, k -> new ArrayList<>(these.size()))
                          .addAll(0, these));
              return Future.failedFuture(err);
            })
        .compose(
            v -> {
              unwrittenInFlight -= to - from;
              for (TranscriptItem it : batch.subList(from, to)) {
                List<Promise<Void>> these = waiting.remove(new Key(it.sessionId(), it.itemId()));
                if (these != null) {
                  these.forEach(Promise::tryComplete);
                }
              }
              return writeFrom(batch, to, waiting);
            });
  }

  private void keepForRetry(List<TranscriptItem> unwritten, Throwable err) {
    unwrittenInFlight = 0;
    // anything newer for the same key, added while the write ran, wins over the failed copy
    Map<Key, TranscriptItem> kept = new LinkedHashMap<>();
    unwritten.forEach(it -> kept.put(new Key(it.sessionId(), it.itemId()), it));
    kept.putAll(pending);
    pending = kept;
    failedWrites++;
    retryDelayNanos =
        retryDelayNanos == 0 ? firstRetryNanos : Math.min(maxRetryNanos, retryDelayNanos * 2);
    retryAtNanos = System.nanoTime() + retryDelayNanos;
    LOG.warn(
        "transcript flush failed; {} items kept, next attempt in {} ms: {}",
        kept.size(),
        retryDelayNanos / 1_000_000,
        err.getClass().getSimpleName());
  }

  /**
   * A session deleted meanwhile (account deletion cascades) makes the whole multi-row insert fail
   * with a foreign-key violation forever; then each session's items are written on their own and
   * the deleted sessions' items are dropped, because their owner asked for them to be gone.
   */
  private Future<Void> writeDroppingDeletedSessions(List<TranscriptItem> items) {
    return write(items)
        .recover(
            err -> {
              if (!(err instanceof PgException pg) || !"23503".equals(pg.getSqlState())) {
                return Future.failedFuture(err);
              }
              Map<UUID, List<TranscriptItem>> bySession = new LinkedHashMap<>();
              items.forEach(
                  it -> bySession.computeIfAbsent(it.sessionId(), k -> new ArrayList<>()).add(it));
              Future<Void> chain = Future.succeededFuture();
              for (List<TranscriptItem> one : bySession.values()) {
                chain =
                    chain.compose(
                        v ->
                            write(one)
                                .recover(
                                    e ->
                                        e instanceof PgException p
                                                && "23503".equals(p.getSqlState())
                                            ? Future.succeededFuture()
                                            : Future.failedFuture(e)));
              }
              return chain;
            });
  }

  private Future<Void> write(List<TranscriptItem> items) {
    return TranscriptStore.upsert(db, items);
  }
}
