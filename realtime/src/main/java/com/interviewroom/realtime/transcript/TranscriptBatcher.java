package com.interviewroom.realtime.transcript;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Collects transcript items from every session on one event loop and writes them every
 * {@code interval} (or sooner once {@code flushAt} items wait) with one multi-row upsert on
 * {@code (session_id, item_id)} as the service role. Items are keyed, so a later version of an
 * item replaces the earlier one in memory and a retried write never duplicates a row. A failed
 * write keeps its items for the next attempt; memory is bounded by {@code maxPending} keys (beyond
 * that, new keys are refused and counted, never silently lost). Text is redacted before it leaves
 * memory. Rows are sent in turn-start order and carry {@code turn_started_at}, which is what
 * readers order by, so a user item transcribed late still sorts before the answer to it.
 */
public final class TranscriptBatcher {
  private static final Logger LOG = LoggerFactory.getLogger(TranscriptBatcher.class);

  private record Key(UUID sessionId, String itemId) {}

  private final Vertx vertx;
  private final Database db;
  private final int flushAt;
  private final int maxPending;
  private final long timerId;
  private Map<Key, TranscriptItem> pending = new LinkedHashMap<>();
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean writing;
  private long refused;
  private boolean closed;

  public TranscriptBatcher(Vertx vertx, Database db, Duration interval, int flushAt, int maxPending) {
    this.vertx = vertx;
    this.db = db;
    this.flushAt = flushAt;
    this.maxPending = maxPending;
    this.timerId = vertx.setPeriodic(interval.toMillis(), id -> flush());
  }

  public static TranscriptBatcher standard(Vertx vertx, Database db) {
    return new TranscriptBatcher(vertx, db, Duration.ofSeconds(5), 200, 50_000);
  }

  /** Accepts an item; false when memory is full (the database has been unreachable for a long time). */
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

  public int pendingCount() {
    return pending.size();
  }

  /**
   * Writes what is pending now; the future completes when those items are stored (or their write
   * failed and they are kept). Items that arrived while a write was in flight go out right after
   * it, so a session's end can wait for its last transcript lines.
   */
  public Future<Void> flush() {
    if (writing) {
      return inFlight.recover(err -> Future.succeededFuture()).compose(v -> writePending());
    }
    return writePending();
  }

  private Future<Void> writePending() {
    if (writing || pending.isEmpty()) {
      // a write that started after the caller's items arrived carries them
      return inFlight.recover(err -> Future.succeededFuture());
    }
    Map<Key, TranscriptItem> batch = pending;
    pending = new LinkedHashMap<>();
    writing = true;
    inFlight = writeDroppingDeletedSessions(new ArrayList<>(batch.values()))
        .onFailure(err -> {
          // keep the batch; anything newer for the same key wins over the failed copy
          batch.putAll(pending);
          pending = batch;
          LOG.warn("transcript flush failed; {} items kept for retry: {}", batch.size(), err.getClass().getSimpleName());
        })
        .onComplete(ar -> writing = false);
    return inFlight.recover(err -> Future.succeededFuture());
  }

  /** Stops the timer and writes everything pending; fails if the last write failed. */
  public Future<Void> close() {
    if (!closed) {
      closed = true;
      vertx.cancelTimer(timerId);
    }
    return inFlight.transform(ar -> pending.isEmpty() ? Future.succeededFuture()
        : writeDroppingDeletedSessions(new ArrayList<>(pending.values())).onSuccess(v -> pending.clear()));
  }

  /**
   * A session deleted meanwhile (account deletion cascades) makes the whole multi-row insert fail
   * with a foreign-key violation forever; then each session's items are written on their own and
   * the deleted sessions' items are dropped, because their owner asked for them to be gone.
   */
  private Future<Void> writeDroppingDeletedSessions(List<TranscriptItem> items) {
    return write(items).recover(err -> {
      if (!(err instanceof PgException pg) || !"23503".equals(pg.getSqlState())) {
        return Future.failedFuture(err);
      }
      Map<UUID, List<TranscriptItem>> bySession = new LinkedHashMap<>();
      items.forEach(it -> bySession.computeIfAbsent(it.sessionId(), k -> new ArrayList<>()).add(it));
      Future<Void> chain = Future.succeededFuture();
      for (List<TranscriptItem> one : bySession.values()) {
        chain = chain.compose(v -> write(one).recover(e -> e instanceof PgException p && "23503".equals(p.getSqlState())
            ? Future.succeededFuture() : Future.failedFuture(e)));
      }
      return chain;
    });
  }

  private Future<Void> write(List<TranscriptItem> items) {
    items.sort(Comparator.comparing(TranscriptItem::turnStartedAt));
    StringBuilder sql = new StringBuilder(
        "INSERT INTO transcripts (session_id, item_id, role, text, turn_started_at) VALUES ");
    List<Object> params = new ArrayList<>(items.size() * 5);
    for (int i = 0; i < items.size(); i++) {
      TranscriptItem it = items.get(i);
      int p = i * 5;
      sql.append(i == 0 ? "" : ", ")
          .append("($").append(p + 1).append(", $").append(p + 2).append(", $").append(p + 3)
          .append(", $").append(p + 4).append(", $").append(p + 5).append(")");
      params.add(it.sessionId());
      params.add(it.itemId());
      params.add(it.role());
      params.add(PiiRedactor.redact(it.text()));
      params.add(it.turnStartedAt().atOffset(ZoneOffset.UTC));
    }
    sql.append(" ON CONFLICT (session_id, item_id) DO UPDATE SET text = EXCLUDED.text,"
        + " role = EXCLUDED.role, turn_started_at = LEAST(transcripts.turn_started_at, EXCLUDED.turn_started_at)");
    return db.asService(conn -> conn.preparedQuery(sql.toString()).execute(Tuple.from(params))).mapEmpty();
  }
}
