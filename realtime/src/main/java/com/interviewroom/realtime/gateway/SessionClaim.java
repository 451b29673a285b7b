package com.interviewroom.realtime.gateway;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.realtime.session.LiveSession;
import com.interviewroom.session.signal.SessionEnds;
import com.interviewroom.session.signal.SessionKeys;
import com.interviewroom.session.signal.SessionSignals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket's claim on its session, across nodes, once the handshake admitted it: its place in the
 * session's order of sockets (an epoch from Redis {@code INCR}), announced to every node so older
 * sockets close, and the socket hold that tells the REST end a socket is up. A signal from a socket
 * with a lower epoch never replaces this one. Event loop only.
 */
final class SessionClaim {
  /** The connection's logger: these lines are part of that socket's story in the logs. */
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final String connectionId;
  private final UUID sessionId;
  private final LiveSession session;
  private final String requestId;
  private final GatewayParts parts;
  private final SessionEnds ends;

  /** Closes the socket with {@link Connection#REPLACED}. */
  private final Runnable onReplaced;

  /**
   * This socket's place in the session's order of sockets; a signal from a lower one never closes
   * it.
   */
  private long epoch = Long.MAX_VALUE;

  /**
   * The highest epoch another socket announced, remembered in case it arrived before ours was
   * known.
   */
  private long newestOther;

  SessionClaim(
      String connectionId,
      LiveSession session,
      String requestId,
      GatewayParts parts,
      SessionEnds ends,
      Runnable onReplaced) {
    this.connectionId = connectionId;
    this.session = session;
    this.sessionId = session.id();
    this.requestId = requestId;
    this.parts = parts;
    this.ends = ends;
    this.onReplaced = onReplaced;
  }

  static String epochKey(UUID sessionId) {
    return SessionKeys.epoch(sessionId);
  }

  /**
   * Orders the session's sockets across nodes (Redis {@code INCR}), so a slow older socket that
   * announces itself late cannot replace a newer one.
   */
  Future<Void> claimEpoch() {
    String key = epochKey(sessionId);
    return parts
        .redis()
        .send(Request.cmd(Command.INCR).arg(key))
        .compose(
            n -> {
              epoch = n.toLong();
              if (newestOther > epoch) {
                onReplaced.run();
              }
              return parts
                  .redis()
                  .send(Request.cmd(Command.PEXPIRE).arg(key).arg(Duration.ofHours(6).toMillis()));
            })
        .mapEmpty();
  }

  /** Tells every node that this socket now owns the session, so older ones close. */
  Future<Void> announce() {
    JsonObject replaced =
        new JsonObject()
            .put("type", "replaced")
            .put("connectionId", connectionId)
            .put("epoch", epoch);
    Future<Void> started =
        session.activatedNow()
            ? parts
                .events()
                .publish(
                    EventStream.SESSION_STARTED,
                    sessionId,
                    session.userId(),
                    requestId,
                    new JsonObject())
                .mapEmpty()
            : Future.succeededFuture();
    return started
        .compose(
            v ->
                parts
                    .redis()
                    .send(
                        Request.cmd(Command.PUBLISH)
                            .arg(SessionSignals.control(sessionId))
                            .arg(replaced.encode())))
        .mapEmpty();
  }

  /**
   * A {@code replaced} signal from the control channel: closes this socket when the other one is
   * newer.
   */
  void onReplacedSignal(JsonObject signal) {
    if (!connectionId.equals(signal.getString("connectionId"))) {
      long other = signal.getLong("epoch", Long.MAX_VALUE);
      newestOther = Math.max(newestOther, other);
      if (other > epoch) {
        onReplaced.run();
      }
    }
  }

  /** Whether a newer socket of the session took over from this one. */
  boolean replaced() {
    return newestOther > epoch;
  }

  /**
   * While this socket is up, the REST end leaves the announcement to it (see {@link SessionEnds}).
   */
  void holdSocket() {
    ends.holdSocket(sessionId, connectionId, socketHold())
        .onFailure(
            e ->
                log.warn(
                    "socket hold not stored {}",
                    kv("requestId", requestId),
                    kv("error", e.getMessage())));
  }

  /** Each ping renews the hold; a socket that stops answering lets it lapse. */
  void renewSocket() {
    ends.renewSocket(sessionId, connectionId, socketHold())
        .onFailure(
            e ->
                log.debug(
                    "socket hold not renewed {}",
                    kv("requestId", requestId),
                    kv("error", e.getMessage())));
  }

  void releaseSocket() {
    ends.releaseSocket(sessionId, connectionId);
  }

  private Duration socketHold() {
    return parts.settings().pingInterval().plus(parts.settings().pongTimeout());
  }
}
