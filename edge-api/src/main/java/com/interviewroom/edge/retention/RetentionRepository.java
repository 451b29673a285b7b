package com.interviewroom.edge.retention;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of {@link RetentionJob}. Every batch runs in the job's transaction, after {@link
 * #tryLock} took the cluster-wide lock; rows are picked {@code FOR UPDATE SKIP LOCKED}.
 */
final class RetentionRepository {
  private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock($1) AS locked";

  /** {@code %1$s} is one of {@link RetentionJob#TABLES} (a constant, never input). */
  private static final String PURGE_OLD =
      """
      WITH doomed AS (
          SELECT id FROM %1$s WHERE created_at < now() - make_interval(days => $1)
           ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      DELETE FROM %1$s t USING doomed WHERE t.id = doomed.id""";

  private static final String DELETED_ACCOUNTS =
      """
      SELECT id FROM users WHERE deleted_at < now() - make_interval(days => $1)
       ORDER BY deleted_at LIMIT $2 FOR UPDATE SKIP LOCKED""";
  private static final String PURGE_ACCOUNTS = "DELETE FROM users WHERE id = ANY($1)";
  private static final String OLD_RECORDINGS =
      """
      SELECT id, key_prefix FROM recordings WHERE started_at < now() - make_interval(days => $1)
       ORDER BY started_at LIMIT $2 FOR UPDATE SKIP LOCKED""";
  private static final String PURGE_RECORDINGS = "DELETE FROM recordings WHERE id = ANY($1)";

  /** A recording past the window, and where its objects are. */
  record OldRecording(UUID id, String keyPrefix) {}

  private RetentionRepository() {}

  /** The transaction-scoped advisory lock {@code key}; false when another transaction holds it. */
  static Future<Boolean> tryLock(SqlClient sql, long key) {
    return sql.preparedQuery(TRY_LOCK)
        .execute(Tuple.of(key))
        .map(r -> r.iterator().next().getBoolean("locked"));
  }

  /** Deletes up to {@code batchSize} rows of {@code table} older than {@code days}; how many. */
  static Future<Integer> purgeOld(SqlClient sql, String table, int days, int batchSize) {
    return sql.preparedQuery(PURGE_OLD.formatted(table))
        .execute(Tuple.of(days, batchSize))
        .map(r -> r.rowCount());
  }

  /** Accounts deleted more than {@code restoreDays} ago, oldest first, at most {@code limit}. */
  static Future<List<UUID>> deletedAccounts(SqlClient sql, int restoreDays, int limit) {
    return sql.preparedQuery(DELETED_ACCOUNTS)
        .execute(Tuple.of(restoreDays, limit))
        .map(
            found -> {
              List<UUID> ids = new ArrayList<>();
              found.forEach(row -> ids.add(row.getUUID("id")));
              return ids;
            });
  }

  static Future<Integer> purgeAccounts(SqlClient sql, List<UUID> ids) {
    return sql.preparedQuery(PURGE_ACCOUNTS)
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(r -> r.rowCount());
  }

  /** Recordings started more than {@code days} ago, oldest first, at most {@code limit}. */
  static Future<List<OldRecording>> oldRecordings(SqlClient sql, int days, int limit) {
    return sql.preparedQuery(OLD_RECORDINGS)
        .execute(Tuple.of(days, limit))
        .map(
            found -> {
              List<OldRecording> recordings = new ArrayList<>();
              found.forEach(
                  row ->
                      recordings.add(
                          new OldRecording(row.getUUID("id"), row.getString("key_prefix"))));
              return recordings;
            });
  }

  static Future<Integer> purgeRecordings(SqlClient sql, List<UUID> ids) {
    return sql.preparedQuery(PURGE_RECORDINGS)
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(r -> r.rowCount());
  }
}
