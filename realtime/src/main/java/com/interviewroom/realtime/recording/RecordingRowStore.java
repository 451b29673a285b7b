package com.interviewroom.realtime.recording;

import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;

/** The SQL of recordings as the realtime node writes them (V10), as the service role. */
public final class RecordingRowStore {
  /**
   * One recording per session: the first socket creates it, a reconnect continues it. The
   * timeline's origin and the key's {ts} are the session's activation, so every socket of the
   * session agrees on both.
   */
  private static final String OPEN =
      """
      INSERT INTO recordings (session_id, user_id, key_prefix, started_at)
      SELECT s.id, s.user_id,
             'u/' || s.user_id || '/s/' || s.id || '/' || (extract(epoch FROM coalesce(s.started_at, now())) * 1000)::bigint || '/',
             coalesce(s.started_at, now())
        FROM sessions s WHERE s.id = $1 AND s.user_id = $2
      ON CONFLICT (session_id) DO UPDATE SET status = 'recording', updated_at = now()
      RETURNING id, key_prefix, started_at""";

  /** The next chunk number, unique across every socket and node recording the session. */
  private static final String CLAIM =
      "UPDATE recordings SET next_chunk = next_chunk + 1 WHERE id = $1 RETURNING next_chunk - 1 AS idx";

  /**
   * The chunk row and the recording's totals in one statement; a repeat of the same index replaces
   * it.
   */
  private static final String CHUNK =
      """
      WITH chunk AS (
          INSERT INTO recording_chunks (recording_id, idx, object_key, start_ms, duration_ms, bytes)
          VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (recording_id, idx) DO UPDATE
             SET object_key = EXCLUDED.object_key, start_ms = EXCLUDED.start_ms,
                 duration_ms = EXCLUDED.duration_ms, bytes = EXCLUDED.bytes, created_at = now()
          RETURNING (xmax = 0) AS inserted, start_ms + duration_ms AS end_ms)
      UPDATE recordings r
         SET chunk_count = r.chunk_count + (SELECT CASE WHEN inserted THEN 1 ELSE 0 END FROM chunk),
             duration_ms = greatest(r.duration_ms, (SELECT end_ms FROM chunk)),
             updated_at = now()
       WHERE r.id = $1""";

  private static final String COMPLETE =
      "UPDATE recordings SET status = 'complete', updated_at = now() WHERE id = $1";

  /** A recording ready for chunks. */
  public record Opened(UUID id, String keyPrefix, Instant startedAt) {}

  private final Database db;

  public RecordingRowStore(Database db) {
    this.db = db;
  }

  /** Fails when the session is not the user's (nothing to record). */
  public Future<Opened> open(UUID sessionId, UUID userId) {
    return db.asService(
        sql ->
            sql.preparedQuery(OPEN)
                .execute(Tuple.of(sessionId, userId))
                .map(
                    rows -> {
                      if (rows.size() == 0) {
                        throw new IllegalStateException("no such session to record");
                      }
                      Row row = rows.iterator().next();
                      return new Opened(
                          row.getUUID("id"),
                          row.getString("key_prefix"),
                          row.getOffsetDateTime("started_at").toInstant());
                    }));
  }

  public Future<Integer> claimIndex(UUID recordingId) {
    return db.asService(
        sql ->
            sql.preparedQuery(CLAIM)
                .execute(Tuple.of(recordingId))
                .map(rows -> rows.iterator().next().getInteger("idx")));
  }

  public Future<Void> chunk(
      UUID recordingId, int index, String key, long startMs, int durationMs, int bytes) {
    return db.asService(
        sql ->
            sql.preparedQuery(CHUNK)
                .execute(Tuple.of(recordingId, index, key, startMs, durationMs, bytes))
                .mapEmpty());
  }

  public Future<Void> complete(UUID recordingId) {
    return db.asService(
        sql -> sql.preparedQuery(COMPLETE).execute(Tuple.of(recordingId)).mapEmpty());
  }
}
