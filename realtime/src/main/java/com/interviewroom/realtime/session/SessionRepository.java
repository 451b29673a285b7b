package com.interviewroom.realtime.session;

import com.interviewroom.realtime.voice.InterviewContext.TranscriptLine;
import com.interviewroom.schema.Database;
import com.interviewroom.session.model.ConcurrentChange;
import com.interviewroom.session.model.IllegalTransition;
import com.interviewroom.session.signal.SessionEnds;
import com.interviewroom.session.store.SessionTransitionStore;
import com.interviewroom.session.store.SessionTransitionStore.Origin;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
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
 * token's subject, and activation writes columns users may not touch). Status changes go through
 * the shared {@link SessionTransitionStore} of the session module, as the edge's do.
 */
public final class SessionRepository {
  private static final String LOAD = """
      SELECT s.status, s.deadline_at, s.language, p.title, p.description, p.difficulty, pr.experience_level,
             coalesce(pr.record_audio, true) AS record_audio
        FROM sessions s
        JOIN problems p ON p.id = s.problem_id
        LEFT JOIN profiles pr ON pr.user_id = s.user_id
       WHERE s.id = $1 AND s.user_id = $2
       FOR UPDATE OF s""";
  private static final String HISTORY = """
      SELECT role, item_id, text FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at, created_at""";
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

  /**
   * The session if it exists, belongs to {@code userId} and is scheduled or active; activates a
   * scheduled one (its {@code session.activated} event carries the handshake's request id).
   */
  public Future<Optional<LiveSession>> admit(UUID sessionId, UUID userId, String requestId) {
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
          // the row is locked and scheduled, so the shared transition succeeds
          Future<OffsetDateTime> deadline = activate
              ? SessionTransitionStore.activate(conn, sessionId, Origin.request(requestId)).map(SessionTransitionStore.Activated::deadlineAt)
              : Future.succeededFuture(row.getOffsetDateTime("deadline_at"));
          return deadline.compose(at -> history(conn, sessionId).map(lines -> Optional.of(new LiveSession(
              sessionId, userId, "active", activate, at == null ? null : at.toInstant(), row.getString("language"),
              row.getString("title"), row.getString("description"), row.getString("difficulty"),
              row.getString("experience_level"), lines, row.getBoolean("record_audio")))));
        }));
  }

  /**
   * Ends a live session (time up, the candidate's {@code session.end}): {@code active → completed},
   * {@code scheduled → abandoned}; empty when it had ended already (errored by the voice side, ended
   * over REST), which is no error: the socket still finishes and announces.
   */
  public Future<Optional<SessionTransitionStore.Ended>> end(UUID sessionId, String reason, String requestId) {
    return db.asService(conn -> SessionTransitionStore.end(conn, sessionId, reason, Origin.request(requestId)))
        .map(outcome -> outcome != null && outcome.changed() ? Optional.of(outcome.ended()) : Optional.<SessionTransitionStore.Ended>empty())
        .recover(failure -> concurrentlyEnded(failure, Optional.empty()));
  }

  /**
   * Our fault (a server error before the interview began): errored and refunded once, through the
   * shared transition; a session that ended meanwhile is left as it is. True when this call errored it.
   */
  public Future<Boolean> failByOurFault(UUID sessionId, String reason, String requestId) {
    return db.asService(conn -> SessionTransitionStore.failByOurFault(conn, sessionId, reason, Origin.request(requestId)))
        .map(failure -> failure != null && failure.transitioned())
        .recover(failure -> concurrentlyEnded(failure, false));
  }

  /** The announcement of the session's end ({@code session.ended}), for the node holding its socket. */
  public SessionEnds ends(Redis redis) {
    return new SessionEnds(db, redis);
  }

  /** The status machine refusing the move means someone else ended the session first: nothing left to do. */
  private static <T> Future<T> concurrentlyEnded(Throwable failure, T nothingDone) {
    return failure instanceof IllegalTransition || failure instanceof ConcurrentChange
        ? Future.succeededFuture(nothingDone) : Future.failedFuture(failure);
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
