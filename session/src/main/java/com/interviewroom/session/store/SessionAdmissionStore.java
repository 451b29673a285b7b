package com.interviewroom.session.store;

import com.interviewroom.session.model.SessionStatus;
import com.interviewroom.session.store.SessionTransitionStore.Origin;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The gateway's admission of a socket to a session: the session must exist, belong to the token's
 * subject and be live; a scheduled one is activated (the candidate's first connect). Runs in the
 * caller's transaction as the service role; the session's row stays locked until it commits.
 */
public final class SessionAdmissionStore {
  private static final String LOAD =
      """
      SELECT s.status, s.deadline_at, s.language, p.title, p.description, p.difficulty, pr.experience_level,
             coalesce(pr.record_audio, true) AS record_audio
        FROM sessions s
        JOIN problems p ON p.id = s.problem_id
        LEFT JOIN profiles pr ON pr.user_id = s.user_id
       WHERE s.id = $1 AND s.user_id = $2
       FOR UPDATE OF s""";

  /**
   * An admitted, now active session with its problem and deadline; {@code recordAudio} is the
   * user's profile setting (recording on unless they turned it off).
   */
  public record Admitted(
      boolean activatedNow,
      OffsetDateTime deadline,
      String language,
      String problemTitle,
      String problemDescription,
      String difficulty,
      String experienceLevel,
      boolean recordAudio) {}

  private SessionAdmissionStore() {}

  /** The session as admitted; null when it does not exist, is someone else's or has ended. */
  public static Future<Admitted> admit(
      SqlConnection conn, UUID sessionId, UUID userId, Origin origin) {
    return conn.preparedQuery(LOAD)
        .execute(Tuple.of(sessionId, userId))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(null);
              }
              Row row = rows.iterator().next();
              SessionStatus status = SessionStatus.of(row.getString("status"));
              if (!status.isLive()) {
                return Future.succeededFuture(null);
              }
              boolean activate = status == SessionStatus.SCHEDULED;
              // the row is locked and scheduled, so the transition succeeds
              Future<OffsetDateTime> deadline =
                  activate
                      ? SessionTransitionStore.activate(conn, sessionId, origin)
                          .map(SessionTransitionStore.Activated::deadlineAt)
                      : Future.succeededFuture(row.getOffsetDateTime("deadline_at"));
              return deadline.map(
                  at ->
                      new Admitted(
                          activate,
                          at,
                          row.getString("language"),
                          row.getString("title"),
                          row.getString("description"),
                          row.getString("difficulty"),
                          row.getString("experience_level"),
                          row.getBoolean("record_audio")));
            });
  }
}
