package com.interviewroom.realtime.session;

import com.interviewroom.realtime.voice.InterviewContext.TranscriptLine;
import com.interviewroom.schema.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL the gateway needs, as the service role (the gateway checked ownership itself against the
 * token's subject, and activation writes columns users may not touch). Realtime does not depend on
 * edge-api, so these few statements live here.
 */
public final class SessionRepository {
  private static final String LOAD = """
      SELECT s.status, s.deadline_at, s.language, p.title, p.description, p.difficulty, pr.experience_level
        FROM sessions s
        JOIN problems p ON p.id = s.problem_id
        LEFT JOIN profiles pr ON pr.user_id = s.user_id
       WHERE s.id = $1 AND s.user_id = $2
       FOR UPDATE OF s""";
  /** First connect: scheduled → active, the deadline from the problem's duration, in one statement. */
  private static final String ACTIVATE = """
      UPDATE sessions s
         SET status = 'active', started_at = now(),
             deadline_at = now() + make_interval(mins => p.duration_minutes), updated_at = now()
        FROM problems p
       WHERE s.id = $1 AND s.status = 'scheduled' AND p.id = s.problem_id
      RETURNING s.deadline_at""";
  private static final String HISTORY = """
      SELECT role, item_id, text FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at, created_at""";
  private static final String COMPLETE = """
      UPDATE sessions
         SET status = 'completed', ended_at = now(), end_reason = $2,
             duration_seconds = GREATEST(0, EXTRACT(EPOCH FROM now() - COALESCE(started_at, now())))::int,
             updated_at = now()
       WHERE id = $1 AND status IN ('scheduled', 'active')
      RETURNING user_id""";
  private static final String HINT = """
      UPDATE sessions
      SET usage = jsonb_set(usage, '{hintsGiven}', to_jsonb(coalesce((usage->>'hintsGiven')::int, 0) + 1)),
          updated_at = now()
      WHERE id = $1""";
  private static final String SNAPSHOT = """
      INSERT INTO code_snapshots (session_id, code, language, snapshot_type, client_timestamp_ms)
      VALUES ($1, $2, $3, $4, $5)""";

  private final Database db;

  public SessionRepository(Database db) {
    this.db = db;
  }

  /** The session if it exists, belongs to {@code userId} and is scheduled or active; activates a scheduled one. */
  public Future<Optional<LiveSession>> admit(UUID sessionId, UUID userId) {
    return db.asService(conn -> conn.preparedQuery(LOAD).execute(Tuple.of(sessionId, userId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          Row row = rows.iterator().next();
          String status = row.getString("status");
          if (!status.equals("scheduled") && !status.equals("active")) {
            return Future.succeededFuture(Optional.empty());
          }
          boolean activate = status.equals("scheduled");
          Future<OffsetDateTime> deadline = activate
              ? conn.preparedQuery(ACTIVATE).execute(Tuple.of(sessionId)).map(r -> r.iterator().next().getOffsetDateTime(0))
              : Future.succeededFuture(row.getOffsetDateTime("deadline_at"));
          return deadline.compose(at -> history(conn, sessionId).map(lines -> Optional.of(new LiveSession(
              sessionId, userId, "active", activate, at == null ? null : at.toInstant(), row.getString("language"),
              row.getString("title"), row.getString("description"), row.getString("difficulty"),
              row.getString("experience_level"), lines))));
        }));
  }

  /** Completes a live session; empty when it had already ended (so the caller publishes {@code session.ended} once). */
  public Future<Optional<UUID>> complete(UUID sessionId, String reason) {
    return db.asService(conn -> conn.preparedQuery(COMPLETE).execute(Tuple.of(sessionId, reason))
        .map(rows -> rows.size() == 0 ? Optional.<UUID>empty() : Optional.of(rows.iterator().next().getUUID(0))));
  }

  /**
   * One more hint: a code observation handed to the interviewer to nudge the candidate with. The
   * counter lives in {@code sessions.usage.hintsGiven} and is incremented in SQL, so concurrent
   * notes and the voice bridge's own usage writes never lose it.
   */
  public Future<Void> recordHint(UUID sessionId) {
    return db.asService(conn -> conn.preparedQuery(HINT).execute(Tuple.of(sessionId)).mapEmpty());
  }

  public Future<Void> snapshot(UUID sessionId, String code, String language, String type, long atMs) {
    return db.asService(conn -> conn.preparedQuery(SNAPSHOT)
        .execute(Tuple.of(sessionId, code, language, type, atMs)).mapEmpty());
  }

  private static Future<List<TranscriptLine>> history(SqlConnection conn, UUID sessionId) {
    return conn.preparedQuery(HISTORY).execute(Tuple.of(sessionId)).map(SessionRepository::lines);
  }

  private static List<TranscriptLine> lines(RowSet<Row> rows) {
    List<TranscriptLine> lines = new ArrayList<>(rows.size());
    for (Row row : rows) {
      lines.add(new TranscriptLine(row.getString("role"), row.getString("item_id"), row.getString("text")));
    }
    return List.copyOf(lines);
  }
}
