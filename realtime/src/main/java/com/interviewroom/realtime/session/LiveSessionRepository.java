package com.interviewroom.realtime.session;

import com.interviewroom.realtime.voice.InterviewContext.TranscriptLine;
import com.interviewroom.schema.Database;
import com.interviewroom.session.SessionLifecycle;
import com.interviewroom.session.model.SessionStatus;
import com.interviewroom.session.signal.SessionEnds;
import com.interviewroom.session.store.CodeSnapshotStore;
import com.interviewroom.session.store.SessionAdmissionStore;
import com.interviewroom.session.store.SessionTransitionStore;
import com.interviewroom.session.store.SessionTransitionStore.Origin;
import com.interviewroom.session.store.SessionUsageStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The sessions as the gateway sees them, as the service role (the gateway checked ownership itself
 * against the token's subject, and activation writes columns users may not touch): admission with
 * the transcript so far, ends, errors, hints and code snapshots. The session's own rows and status
 * changes are the session module's ({@link SessionAdmissionStore}, {@link SessionLifecycle}), as
 * the edge's are.
 */
public final class LiveSessionRepository {
  private static final String HISTORY =
      """
      SELECT role, item_id, text FROM transcripts WHERE session_id = $1 ORDER BY turn_started_at, created_at""";

  private final Database db;
  private final SessionUsageStore usage;

  public LiveSessionRepository(Database db) {
    this.db = db;
    this.usage = new SessionUsageStore(db);
  }

  /**
   * The session if it exists, belongs to {@code userId} and is scheduled or active; activates a
   * scheduled one (its {@code session.activated} event carries the handshake's request id).
   */
  public Future<Optional<LiveSession>> admit(UUID sessionId, UUID userId, String requestId) {
    return db.asService(
        conn ->
            SessionAdmissionStore.admit(conn, sessionId, userId, Origin.request(requestId))
                .compose(
                    admitted ->
                        admitted == null
                            ? Future.succeededFuture(Optional.<LiveSession>empty())
                            : history(conn, sessionId)
                                .map(
                                    lines ->
                                        Optional.of(
                                            new LiveSession(
                                                sessionId,
                                                userId,
                                                SessionStatus.ACTIVE.dbValue(),
                                                admitted.activatedNow(),
                                                admitted.deadline() == null
                                                    ? null
                                                    : admitted.deadline().toInstant(),
                                                admitted.language(),
                                                admitted.problemTitle(),
                                                admitted.problemDescription(),
                                                admitted.difficulty(),
                                                admitted.experienceLevel(),
                                                lines,
                                                admitted.recordAudio())))));
  }

  /**
   * Ends a live session (time up, the candidate's {@code session.end}): {@code active → completed},
   * {@code scheduled → abandoned}; empty when it had ended already (errored by the voice side,
   * ended over REST), which is no error: the socket still finishes and announces.
   */
  public Future<Optional<SessionTransitionStore.Ended>> end(
      UUID sessionId, String reason, String requestId) {
    return SessionLifecycle.end(db, sessionId, reason, Origin.request(requestId));
  }

  /**
   * Our fault (a server error before the interview began): errored and refunded once, through the
   * shared transition; a session that ended meanwhile is left as it is. True when this call errored
   * it.
   */
  public Future<Boolean> failByOurFault(UUID sessionId, String reason, String requestId) {
    return SessionLifecycle.failByOurFault(db, sessionId, reason, Origin.request(requestId));
  }

  /**
   * The announcement of the session's end ({@code session.ended}), for the node holding its socket.
   */
  public SessionEnds ends(Redis redis) {
    return new SessionEnds(db, redis);
  }

  /** One more hint given to the candidate ({@link SessionUsageStore#recordHint}). */
  public Future<Void> recordHint(UUID sessionId) {
    return usage.recordHint(sessionId);
  }

  public Future<Void> snapshot(
      UUID sessionId, String code, String language, String type, long atMs) {
    return db.asService(
            conn -> CodeSnapshotStore.insert(conn, sessionId, code, language, type, atMs))
        .mapEmpty();
  }

  private static Future<List<TranscriptLine>> history(SqlConnection conn, UUID sessionId) {
    return conn.preparedQuery(HISTORY)
        .execute(Tuple.of(sessionId))
        .map(LiveSessionRepository::lines);
  }

  private static List<TranscriptLine> lines(RowSet<Row> rows) {
    List<TranscriptLine> lines = new ArrayList<>(rows.size());
    for (Row row : rows) {
      lines.add(
          new TranscriptLine(
              row.getString("role"), row.getString("item_id"), row.getString("text")));
    }
    return List.copyOf(lines);
  }
}
