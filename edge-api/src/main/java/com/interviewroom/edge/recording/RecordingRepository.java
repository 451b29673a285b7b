package com.interviewroom.edge.recording;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads of stored recordings (V10). Every statement runs as {@code app_user}: row-level security
 * shows the caller's own recordings only, so another user's is indistinguishable from none.
 */
public final class RecordingRepository {
  private static final String CHUNKS =
      """
      SELECT r.session_id, r.started_at, r.sample_rate, r.channels, c.idx, c.object_key, c.start_ms, c.duration_ms, c.bytes
        FROM recordings r JOIN recording_chunks c ON c.recording_id = r.id
       WHERE ($1::uuid IS NULL OR r.session_id = $1)
       ORDER BY r.started_at, r.session_id, c.start_ms, c.idx""";

  /** One stored chunk; {@code startMs} from the recording's origin (the session's activation). */
  public record StoredChunk(int index, String key, long startMs, int durationMs, int bytes) {}

  /** A recording with at least one stored chunk, in timeline order. */
  public record StoredRecording(
      UUID sessionId, Instant origin, int sampleRate, int channels, List<StoredChunk> chunks) {}

  private RecordingRepository() {}

  /** The session's recording, if the caller owns one with stored chunks. */
  public static Future<StoredRecording> ofSession(SqlClient sql, UUID sessionId) {
    return read(sql, sessionId).map(found -> found.isEmpty() ? null : found.get(0));
  }

  /** Every recording of the caller (the data export). */
  public static Future<List<StoredRecording>> all(SqlClient sql) {
    return read(sql, null);
  }

  private static Future<List<StoredRecording>> read(SqlClient sql, UUID sessionId) {
    return sql.preparedQuery(CHUNKS)
        .execute(Tuple.of(sessionId))
        .map(
            rows -> {
              Map<UUID, StoredRecording> bySession = new LinkedHashMap<>();
              for (Row row : rows) {
                StoredRecording recording =
                    bySession.computeIfAbsent(
                        row.getUUID("session_id"),
                        id ->
                            new StoredRecording(
                                id,
                                row.getOffsetDateTime("started_at").toInstant(),
                                row.getInteger("sample_rate"),
                                row.getInteger("channels"),
                                new ArrayList<>()));
                recording
                    .chunks()
                    .add(
                        new StoredChunk(
                            row.getInteger("idx"),
                            row.getString("object_key"),
                            row.getLong("start_ms"),
                            row.getInteger("duration_ms"),
                            row.getInteger("bytes")));
              }
              return List.copyOf(bySession.values());
            });
  }
}
