package com.interviewroom.session.signal;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.schema.Database;
import com.interviewroom.session.store.SessionTransitionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;

/**
 * The one {@code session.ended} of a session, published only once the evaluation can see
 * everything: the {@code final} code snapshot and the last transcript items.
 *
 * <ul>
 *   <li>The node holding the session's live socket publishes after that socket stored its final
 *       code and flushed its transcript (the gateway's end and release paths call {@link
 *       #announce}).
 *   <li>Whoever ends a session without holding its socket (REST end, sweeper) calls {@link
 *       #afterEnd}: it tells the socket's node to end it (control channel) and publishes itself
 *       only when no socket is live anywhere ({@link #socketKey}, kept by the gateway).
 *   <li>Each publish first claims {@code sessions.ended_announced_at} in the same transaction, so
 *       racing paths publish once; {@link #announceStragglers} is the safety net for a node that
 *       died between an end and its announcement.
 * </ul>
 */
public final class SessionEnds {
  // deletes the presence key only while it still names this socket (a newer one may have replaced
  // it)
  private static final String CLEAR_IF_MINE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

  private static final String RENEW_IF_MINE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

  private final Database db;
  private final Redis redis;
  private final EventStream stream;

  public SessionEnds(Database db, Redis redis) {
    this.db = db;
    this.redis = redis;
    this.stream = new EventStream(redis);
  }

  /** Present while a gateway holds a live socket of the session; the value names that socket. */
  public static String socketKey(UUID sessionId) {
    return SessionKeys.socket(sessionId);
  }

  /**
   * Publishes {@code session.ended} if the session has ended and nobody announced it yet; true when
   * this call did.
   */
  public Future<Boolean> announce(UUID sessionId, String requestId) {
    return db.asService(
        sql ->
            SessionTransitionStore.claimAnnouncement(sql, sessionId)
                .compose(
                    ended ->
                        ended == null
                            ? Future.succeededFuture(false)
                            : stream
                                .publish(
                                    EventStream.SESSION_ENDED,
                                    sessionId,
                                    ended.userId(),
                                    requestId,
                                    new JsonObject()
                                        .put("status", ended.status().dbValue())
                                        .put("reason", ended.endReason())
                                        .put("durationSeconds", ended.durationSeconds()))
                                .map(true)));
  }

  /**
   * After a session was ended by someone who does not hold its socket: the socket's node (any node)
   * is told to end it, and announces once its final writes are stored; with no live socket the
   * announcement goes out now.
   */
  public Future<Boolean> afterEnd(UUID sessionId, String requestId, String reason) {
    return SessionSignals.publishEnd(redis, sessionId, reason)
        .compose(sent -> redis.send(Request.cmd(Command.EXISTS).arg(socketKey(sessionId))))
        .compose(
            live ->
                live != null && live.toInteger() > 0
                    ? Future.succeededFuture(false)
                    : announce(sessionId, requestId));
  }

  /**
   * The gateway: this socket holds the session for {@code ttl} (renewed while the peer answers
   * pings).
   */
  public Future<Void> holdSocket(UUID sessionId, String connectionId, Duration ttl) {
    return redis
        .send(
            Request.cmd(Command.SET)
                .arg(socketKey(sessionId))
                .arg(connectionId)
                .arg("PX")
                .arg(ttl.toMillis()))
        .mapEmpty();
  }

  /** The gateway: the peer still answers; the hold is renewed only while it names this socket. */
  public Future<Void> renewSocket(UUID sessionId, String connectionId, Duration ttl) {
    return redis
        .send(
            Request.cmd(Command.EVAL)
                .arg(RENEW_IF_MINE)
                .arg(1)
                .arg(socketKey(sessionId))
                .arg(connectionId)
                .arg(ttl.toMillis()))
        .mapEmpty();
  }

  /** The gateway: this socket is gone (a newer socket's hold is left alone). */
  public Future<Void> releaseSocket(UUID sessionId, String connectionId) {
    return redis
        .send(
            Request.cmd(Command.EVAL)
                .arg(CLEAR_IF_MINE)
                .arg(1)
                .arg(socketKey(sessionId))
                .arg(connectionId))
        .mapEmpty();
  }

  /**
   * Announces ended sessions left unannounced for longer than {@code age}; completes with how many.
   */
  public Future<Integer> announceStragglers(Duration age, int batch) {
    return db.asService(sql -> SessionTransitionStore.unannounced(sql, age, batch))
        .compose(
            ids ->
                Future.all(ids.stream().map(id -> announce(id, null)).toList())
                    .map(
                        all ->
                            (int)
                                all.<Boolean>list().stream()
                                    .filter(Boolean::booleanValue)
                                    .count()));
  }
}
