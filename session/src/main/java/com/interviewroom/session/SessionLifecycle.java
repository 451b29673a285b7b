package com.interviewroom.session;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.schema.Database;
import com.interviewroom.session.model.ConcurrentChange;
import com.interviewroom.session.model.IllegalTransition;
import com.interviewroom.session.model.InsufficientCredits;
import com.interviewroom.session.signal.SessionEnds;
import com.interviewroom.session.store.EventLogStore;
import com.interviewroom.session.store.SessionStartStore;
import com.interviewroom.session.store.SessionTransitionStore;
import com.interviewroom.session.store.SessionTransitionStore.EndOutcome;
import com.interviewroom.session.store.SessionTransitionStore.Ended;
import com.interviewroom.session.store.SessionTransitionStore.Origin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a session starts, ends and errors, for the edge and the realtime gateway alike:
 *
 * <ul>
 *   <li>it starts with {@link #create} (the edge's {@code POST /api/sessions/start} picks the
 *       problem and settles the subscription around it);
 *   <li>it becomes active on the candidate's first connect ({@link
 *       com.interviewroom.session.store.SessionAdmissionStore}, in the gateway's handshake);
 *   <li>it ends by the user over REST ({@link #endForUser}) or on the socket ({@link #end}: time
 *       up, {@code session.end}), or dies through our fault ({@link #failByOurFault});
 *   <li>nobody closed it: {@link SessionSweeper}.
 * </ul>
 *
 * Every status change is a {@link SessionTransitionStore} compare-and-set; {@code session.ended}
 * goes out through {@link SessionEnds}.
 */
public final class SessionLifecycle {
  private static final Logger log = LoggerFactory.getLogger(SessionLifecycle.class);

  /** The kind of the {@code events} row a start writes. */
  public static final String CREATED = "session.created";

  private final Database db;
  private final SessionEnds ends;

  public SessionLifecycle(Database db, Redis redis) {
    this.db = db;
    this.ends = new SessionEnds(db, redis);
  }

  /**
   * A session to start: the user, the problem (its id and slug), the language and group, and
   * whether it costs a credit.
   */
  public record NewSession(
      UUID userId,
      UUID problemId,
      String problemSlug,
      String language,
      String groupId,
      boolean charge) {}

  /**
   * Creates the {@code scheduled} session, spends its credit when {@code charge}, and logs {@code
   * session.created}, all in the caller's transaction (the service role: users cannot write the
   * ledger). Fails with {@link InsufficientCredits} when the user has none left.
   */
  public static Future<UUID> create(SqlConnection sql, NewSession session, Origin origin) {
    return SessionStartStore.insert(
            sql,
            session.userId(),
            session.problemId(),
            session.language(),
            session.charge(),
            session.groupId(),
            origin.trackedSkillIdHash())
        .compose(
            sessionId ->
                (session.charge()
                        ? SessionStartStore.charge(sql, session.userId(), sessionId)
                        : Future.<Void>succeededFuture())
                    .recover(SessionLifecycle::insufficientCredits)
                    .compose(
                        v ->
                            EventLogStore.append(
                                sql,
                                origin.requestId(),
                                session.userId(),
                                sessionId,
                                null,
                                CREATED,
                                origin.trackedSkillIdHash(),
                                new JsonObject()
                                    .put("problem", session.problemSlug())
                                    .put("language", session.language())
                                    .put("creditCharged", session.charge())))
                    .map(v -> sessionId));
  }

  private static Future<Void> insufficientCredits(Throwable failure) {
    if (failure instanceof PgException pg
        && SessionStartStore.CHECK_VIOLATION.equals(pg.getSqlState())) {
      return Future.failedFuture(new InsufficientCredits());
    }
    return Future.failedFuture(failure);
  }

  /**
   * The user ends their session ({@code active → completed}, never-started {@code scheduled →
   * abandoned}), as that user, so row-level security lets them end only their own; ending an ended
   * session returns its stored end, changing nothing. Null when there is no such session of theirs.
   * {@code session.ended} goes out once the socket, if one is live, has stored its final code and
   * transcript.
   */
  public Future<EndOutcome> endForUser(UUID userId, UUID sessionId, String reason, Origin origin) {
    return db.asUser(userId, sql -> SessionTransitionStore.end(sql, sessionId, reason, origin))
        .compose(
            outcome ->
                outcome == null || !outcome.changed()
                    ? Future.succeededFuture(outcome)
                    : ends.afterEnd(sessionId, origin.requestId(), reason)
                        .<Void>mapEmpty()
                        .recover(failure -> logPublishFailure(failure, sessionId))
                        .map(v -> outcome));
  }

  private static Future<Void> logPublishFailure(Throwable failure, UUID sessionId) {
    // the end is stored; the sweeper announces what this could not
    log.warn(
        "session end not announced {} {}",
        kv("sessionId", sessionId),
        kv("error", failure.toString()));
    return Future.succeededFuture();
  }

  /**
   * The socket ends a live session (time up, the candidate's {@code session.end}) as the service
   * role: {@code active → completed}, {@code scheduled → abandoned}; empty when it had ended
   * already (errored by the voice side, ended over REST), which is no error: the socket still
   * finishes and announces.
   */
  public static Future<Optional<Ended>> end(
      Database db, UUID sessionId, String reason, Origin origin) {
    return db.asService(conn -> SessionTransitionStore.end(conn, sessionId, reason, origin))
        .map(
            outcome ->
                outcome != null && outcome.changed()
                    ? Optional.of(outcome.ended())
                    : Optional.<Ended>empty())
        .recover(failure -> concurrentlyEnded(failure, Optional.empty()));
  }

  /**
   * Our fault (voice providers gone, a server error before the interview began): errored and
   * refunded once; a session that ended meanwhile is left as it is. True when this call errored it.
   */
  public static Future<Boolean> failByOurFault(
      Database db, UUID sessionId, String reason, Origin origin) {
    return db.asService(
            conn -> SessionTransitionStore.failByOurFault(conn, sessionId, reason, origin))
        .map(failure -> failure != null && failure.transitioned())
        .recover(failure -> concurrentlyEnded(failure, false));
  }

  /**
   * The status machine refusing the move means someone else ended the session first: nothing left
   * to do.
   */
  private static <T> Future<T> concurrentlyEnded(Throwable failure, T nothingDone) {
    return failure instanceof IllegalTransition || failure instanceof ConcurrentChange
        ? Future.succeededFuture(nothingDone)
        : Future.failedFuture(failure);
  }
}
