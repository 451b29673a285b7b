package com.interviewroom.edge.retention;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.schema.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.SqlClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data lifecycle's scheduled worker (docs/database.md). Each run, hourly:
 *
 * <ol>
 *   <li>deletes transcripts, code snapshots and evaluations older than {@code RETENTION_DAYS},
 *       oldest first, {@code RETENTION_BATCH_SIZE} rows per statement and at most {@code
 *       RETENTION_MAX_BATCHES_PER_RUN} statements per table (the rest waits for the next run);
 *   <li>purges accounts deleted more than {@code ACCOUNT_RESTORE_DAYS} ago: their objects in the
 *       store ({@code u/{userId}/...}), then the users row, whose cascade takes every row of
 *       theirs;
 *   <li>deletes recordings that began more than {@code RECORDING_RETENTION_DAYS} ago (raw audio has
 *       the shorter window): each one's objects under its key prefix, then its row (its chunk rows
 *       follow by cascade), {@link #RECORDING_BATCH} recordings per transaction;
 *   <li>deletes stored user objects older than {@code RETENTION_DAYS}.
 * </ol>
 *
 * One instance at a time across nodes: every batch is one transaction that first takes the
 * transaction-scoped advisory lock {@link #LOCK_KEY} with {@code pg_try_advisory_xact_lock}; an
 * instance that finds it taken ends its run (another one is purging), so nothing waits on a lock
 * and nothing deadlocks. The rows of a batch are also taken {@code FOR UPDATE SKIP LOCKED}. Counts
 * are logged once per run and added to the counter {@code interviewroom.retention.purged} (tag
 * {@code kind}: a table, {@code accounts}, {@code recordings} or {@code objects}).
 */
public final class RetentionJob extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
  public static final Duration INTERVAL = Duration.ofHours(1);

  /** Any fixed bigint, the same on every node: "RETAIN" in ASCII. */
  static final long LOCK_KEY = 0x5245_5441_494eL;

  /** Accounts per transaction: each one's objects are deleted inside it, so keep it short. */
  static final int ACCOUNT_BATCH = 20;

  /** Recordings per transaction: each holds one object per chunk (60 for a 30-minute interview). */
  static final int RECORDING_BATCH = 20;

  static final List<String> TABLES = List.of("transcripts", "code_snapshots", "evaluations");
  static final String METRIC = "interviewroom.retention.purged";

  /**
   * What one run removed: rows per table, purged accounts, objects (those of purged accounts plus
   * those past the window); {@code skipped}: another instance held the lock at the start, nothing
   * was done.
   */
  public record Purged(Map<String, Long> rows, long accounts, long objects, boolean skipped) {
    /** Recordings removed (their chunk rows went with them). */
    public long recordings() {
      return rows.getOrDefault("recordings", 0L);
    }

    public long total() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final Database db;
  private final ObjectStore store;
  private final MeterRegistry registry;
  private final Config.Retention settings;
  private final int recordingDays;
  private final Clock clock;
  private final Duration interval;
  private long timer = -1;
  private boolean running;

  /** {@code store} may be null (no object store): only rows are purged. */
  public RetentionJob(
      Database db,
      ObjectStore store,
      MeterRegistry registry,
      Config.Retention settings,
      Clock clock) {
    this(db, store, registry, settings, clock, INTERVAL);
  }

  public RetentionJob(
      Database db,
      ObjectStore store,
      MeterRegistry registry,
      Config.Retention settings,
      Clock clock,
      Duration interval) {
    this(db, store, registry, settings, Config.Recording.DEFAULTS.retentionDays(), clock, interval);
  }

  /** {@code recordingDays}: {@code RECORDING_RETENTION_DAYS}. */
  public RetentionJob(
      Database db,
      ObjectStore store,
      MeterRegistry registry,
      Config.Retention settings,
      int recordingDays,
      Clock clock,
      Duration interval) {
    this.db = db;
    this.store = store;
    this.registry = registry;
    this.settings = settings;
    this.recordingDays = recordingDays;
    this.clock = clock;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    timer =
        vertx.setPeriodic(
            interval.toMillis(),
            id -> {
              // a slow run is not overlapped by the next tick
              if (!running) {
                running = true;
                run().onComplete(done -> running = false);
              }
            });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /**
   * One run; completes with its counts (also logged and counted), or fails (logged) when the
   * database does.
   */
  public Future<Purged> run() {
    Map<String, Long> rows = new LinkedHashMap<>();
    AtomicLong accountObjects = new AtomicLong();
    Future<Boolean> chain = Future.succeededFuture(true);
    for (String table : TABLES) {
      chain =
          chain.compose(go -> go ? purgeTable(table, 0, 0, rows) : Future.succeededFuture(false));
    }
    AtomicLong recordingObjects = new AtomicLong();
    chain =
        chain.compose(
            go ->
                go
                    ? purgeRecordings(0, 0, recordingObjects)
                        .map(
                            count -> {
                              if (count >= 0) {
                                rows.put("recordings", count);
                              }
                              return count >= 0;
                            })
                    : Future.succeededFuture(false));
    return chain
        .compose(go -> go ? purgeAccounts(0, 0, accountObjects) : Future.succeededFuture(-1L))
        .compose(
            accounts ->
                accounts < 0 || store == null
                    ? Future.succeededFuture(new long[] {accounts, 0})
                    : store
                        .deleteUnder(
                            ObjectStore.USER_PREFIX,
                            cutoff(),
                            settings.batchSize() * settings.maxBatchesPerRun())
                        .map(objects -> new long[] {accounts, objects}))
        .map(
            counts ->
                new Purged(
                    rows,
                    Math.max(0, counts[0]),
                    accountObjects.get() + recordingObjects.get() + counts[1],
                    rows.isEmpty() && counts[0] < 0))
        .onSuccess(this::report)
        .onFailure(failure -> log.warn("retention run failed {}", kv("error", failure.toString())));
  }

  private Instant cutoff() {
    return clock.instant().minus(Duration.ofDays(settings.days()));
  }

  /** Completes true to go on, false when another instance holds the lock. */
  private Future<Boolean> purgeTable(
      String table, int batches, long purged, Map<String, Long> rows) {
    if (batches >= settings.maxBatchesPerRun()) {
      rows.put(table, purged);
      return Future.succeededFuture(true);
    }
    return db.asService(
            sql ->
                locked(sql)
                    .compose(
                        locked ->
                            !locked
                                ? Future.succeededFuture(-1)
                                : RetentionRepository.purgeOld(
                                    sql, table, settings.days(), settings.batchSize())))
        .compose(
            count -> {
              if (count < 0) {
                if (batches > 0 || purged > 0) {
                  rows.put(table, purged);
                }
                return Future.succeededFuture(false);
              }
              if (count < settings.batchSize()) {
                rows.put(table, purged + count);
                return Future.succeededFuture(true);
              }
              return purgeTable(table, batches + 1, purged + count, rows);
            });
  }

  /**
   * Completes with the accounts purged, or -1 when another instance held the lock before any was.
   */
  private Future<Long> purgeAccounts(int batches, long purged, AtomicLong objects) {
    if (batches >= settings.maxBatchesPerRun()) {
      return Future.succeededFuture(purged);
    }
    return db.asService(
            sql ->
                locked(sql)
                    .compose(
                        locked ->
                            !locked
                                ? Future.succeededFuture(-1)
                                : RetentionRepository.deletedAccounts(
                                        sql, settings.accountRestoreDays(), ACCOUNT_BATCH)
                                    .compose(
                                        ids ->
                                            ids.isEmpty()
                                                ? Future.succeededFuture(0)
                                                : deleteAccounts(sql, ids, objects))))
        .compose(
            count -> {
              if (count < 0) {
                return Future.succeededFuture(batches == 0 ? -1L : purged);
              }
              return count < ACCOUNT_BATCH
                  ? Future.succeededFuture(purged + count)
                  : purgeAccounts(batches + 1, purged + count, objects);
            });
  }

  /**
   * Completes with the recordings purged, or -1 when another instance held the lock before any was.
   */
  private Future<Long> purgeRecordings(int batches, long purged, AtomicLong objects) {
    if (batches >= settings.maxBatchesPerRun()) {
      return Future.succeededFuture(purged);
    }
    return db.asService(
            sql ->
                locked(sql)
                    .compose(
                        locked ->
                            !locked
                                ? Future.succeededFuture(-1)
                                : RetentionRepository.oldRecordings(
                                        sql, recordingDays, RECORDING_BATCH)
                                    .compose(
                                        found -> {
                                          List<UUID> ids = new ArrayList<>();
                                          List<String> prefixes = new ArrayList<>();
                                          found.forEach(
                                              recording -> {
                                                ids.add(recording.id());
                                                prefixes.add(recording.keyPrefix());
                                              });
                                          return ids.isEmpty()
                                              ? Future.succeededFuture(0)
                                              : deleteRecordings(sql, ids, prefixes, objects);
                                        })))
        .compose(
            count -> {
              if (count < 0) {
                return Future.succeededFuture(batches == 0 ? -1L : purged);
              }
              return count < RECORDING_BATCH
                  ? Future.succeededFuture(purged + count)
                  : purgeRecordings(batches + 1, purged + count, objects);
            });
  }

  /** Objects first, as for accounts: a store failure rolls the rows back for the next run. */
  private Future<Integer> deleteRecordings(
      SqlClient sql, List<UUID> ids, List<String> prefixes, AtomicLong objects) {
    Future<?> deleted =
        store == null
            ? Future.succeededFuture()
            : Future.all(
                prefixes.stream()
                    .map(
                        prefix ->
                            store
                                .deleteUnder(prefix, null, Integer.MAX_VALUE)
                                .onSuccess(objects::addAndGet))
                    .toList());
    return deleted.compose(done -> RetentionRepository.purgeRecordings(sql, ids));
  }

  /** Objects first: if the store fails, the transaction rolls back and the next run tries again. */
  private Future<Integer> deleteAccounts(SqlClient sql, List<UUID> ids, AtomicLong objects) {
    Future<?> deleted =
        store == null
            ? Future.succeededFuture()
            : Future.all(
                ids.stream()
                    .map(
                        id ->
                            store
                                .deleteUnder(ObjectStore.userPrefix(id), null, Integer.MAX_VALUE)
                                .onSuccess(objects::addAndGet))
                    .toList());
    return deleted.compose(done -> RetentionRepository.purgeAccounts(sql, ids));
  }

  private static Future<Boolean> locked(SqlClient sql) {
    return RetentionRepository.tryLock(sql, LOCK_KEY);
  }

  private void report(Purged purged) {
    purged.rows().forEach(this::count);
    count("accounts", purged.accounts());
    count("objects", purged.objects());
    if (purged.skipped()) {
      log.info("retention run skipped, another instance holds the lock");
    } else {
      log.info(
          "retention run purged {} {} {} {} {} {}",
          kv("transcripts", purged.rows().getOrDefault("transcripts", 0L)),
          kv("codeSnapshots", purged.rows().getOrDefault("code_snapshots", 0L)),
          kv("evaluations", purged.rows().getOrDefault("evaluations", 0L)),
          kv("recordings", purged.recordings()),
          kv("accounts", purged.accounts()),
          kv("objects", purged.objects()));
    }
  }

  private void count(String kind, long n) {
    Counter.builder(METRIC)
        .description("Rows, accounts and objects removed by the retention job")
        .tag("kind", kind)
        .register(registry)
        .increment(n);
  }
}
