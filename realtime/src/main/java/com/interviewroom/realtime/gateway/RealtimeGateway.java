package com.interviewroom.realtime.gateway;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.common.observability.OpenSockets;
import com.interviewroom.realtime.code.SnapshotWriter;
import com.interviewroom.realtime.recording.Recorders;
import com.interviewroom.realtime.session.LiveSessionRepository;
import com.interviewroom.realtime.timer.Deadlines;
import com.interviewroom.realtime.voice.VoiceSessionFactory;
import com.interviewroom.schema.Database;
import com.interviewroom.session.store.EndedSessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candidates' WebSocket endpoint {@code GET /ws}, attachable to any public server (the edge's
 * in {@code ROLE=all}, its own in {@code ROLE=realtime}). The handshake is authenticated
 * asynchronously; a refused one is accepted and closed with {@code 4001 Unauthorized}, because a
 * browser sees close codes only after the upgrade. One gateway may serve several servers and event
 * loops: the registry is concurrent, each connection runs on its own loop.
 */
public final class RealtimeGateway {
  private static final Logger log = LoggerFactory.getLogger(RealtimeGateway.class);
  public static final String PATH = "/ws";
  public static final short UNAUTHORIZED = 4001;

  private final HandshakeAuth auth;
  private final GatewayParts parts;
  private final SignalSubscriber signals;
  private final EndedSessionStore ended;
  private final Map<UUID, Set<Connection>> live = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private boolean subscribed;

  public RealtimeGateway(
      Vertx vertx,
      TokenVerifier verifier,
      Database db,
      Redis redis,
      VoiceSessionFactory voices,
      MeterRegistry meters,
      Clock clock,
      GatewaySettings settings) {
    this(vertx, verifier, db, redis, voices, meters, clock, settings, Recorders.OFF);
  }

  /** {@code recorders}: the node's interview recordings ({@link Recorders#OFF} records nothing). */
  public RealtimeGateway(
      Vertx vertx,
      TokenVerifier verifier,
      Database db,
      Redis redis,
      VoiceSessionFactory voices,
      MeterRegistry meters,
      Clock clock,
      GatewaySettings settings,
      Recorders recorders) {
    LiveSessionRepository sessions = new LiveSessionRepository(db);
    this.auth = new HandshakeAuth(verifier, redis, sessions);
    this.parts =
        new GatewayParts(
            vertx,
            redis,
            sessions,
            new SnapshotWriter(sessions),
            new Deadlines(redis, clock),
            new EventStream(redis),
            voices,
            meters,
            clock,
            settings,
            new AtomicInteger(),
            recorders);
    this.ended = new EndedSessionStore(db);
    this.signals =
        new SignalSubscriber(vertx, redis, this::onControl, this::onContext, this::recheckHeld);
  }

  /** Installs the handshake and socket handlers on {@code server} before it listens. */
  public void attach(HttpServer server) {
    synchronized (this) {
      if (!subscribed) {
        subscribed = true;
        signals.start();
      }
    }
    server.webSocketHandshakeHandler(this::onHandshake);
    // sockets arrive through the accepted handshake (with their admission); this handler only
    // exists because Vert.x requires one to upgrade at all
    server.webSocketHandler(ws -> {});
  }

  private void onHandshake(ServerWebSocketHandshake handshake) {
    if (!PATH.equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    String requestId = RequestIds.newId();
    Context context = Vertx.currentContext();
    // without the subscription a newer socket could not replace this one: wait for it, briefly
    signals
        .ready()
        .timeout(5, TimeUnit.SECONDS)
        .compose(v -> auth.authenticate(handshake, requestId))
        .onComplete(
            admitted ->
                handshake
                    .accept()
                    .onSuccess(
                        ws -> {
                          if (admitted.succeeded()) {
                            connect(ws, new Admission(admitted.result(), requestId), context);
                          } else {
                            log.info(
                                "websocket refused {} {}",
                                kv("requestId", requestId),
                                kv("reason", reasonOf(admitted.cause())));
                            ws.close(UNAUTHORIZED, "Unauthorized");
                          }
                        }));
  }

  private static String reasonOf(Throwable cause) {
    return cause instanceof HandshakeAuth.Refused
        ? cause.getMessage()
        : "internal: " + cause.getClass().getSimpleName();
  }

  private void connect(ServerWebSocket ws, Admission admission, Context context) {
    Connection connection = new Connection(ws, admission, context, parts, this::released);
    live.computeIfAbsent(connection.sessionId, id -> ConcurrentHashMap.newKeySet()).add(connection);
    connections.incrementAndGet();
    OpenSockets.opened();
    connection.start();
  }

  private void released(Connection connection) {
    live.computeIfPresent(
        connection.sessionId,
        (id, set) -> {
          set.remove(connection);
          return set.isEmpty() ? null : set;
        });
    connections.decrementAndGet();
    OpenSockets.closed();
  }

  private void onControl(UUID sessionId, JsonObject signal) {
    for (Connection connection : local(sessionId)) {
      connection.onControl(signal);
    }
  }

  private void onContext(UUID sessionId, JsonObject signal) {
    for (Connection connection : local(sessionId)) {
      connection.onContext(signal);
    }
  }

  /**
   * After the subscription came back, signals published while it was down are lost: the database
   * decides which held sessions ended (their sockets end as if the signal had arrived), and the
   * sessions' socket order in Redis which sockets a newer one replaced meanwhile.
   */
  private void recheckHeld() {
    List<UUID> held = List.copyOf(live.keySet());
    ended
        .among(held)
        .onSuccess(
            found ->
                found.forEach(
                    (sessionId, reason) ->
                        onControl(
                            sessionId, new JsonObject().put("type", "end").put("reason", reason))))
        .onFailure(e -> log.warn("held sessions not re-checked {}", kv("error", e.getMessage())));
    if (held.isEmpty()) {
      return;
    }
    Request newest = Request.cmd(Command.MGET);
    held.forEach(sessionId -> newest.arg(Connection.epochKey(sessionId)));
    parts
        .redis()
        .send(newest)
        .onSuccess(
            epochs -> {
              for (int i = 0; i < held.size(); i++) {
                if (epochs.get(i) != null) {
                  // a socket never replaces itself: only one with a lower epoch closes
                  onControl(
                      held.get(i),
                      new JsonObject()
                          .put("type", "replaced")
                          .put("connectionId", "")
                          .put("epoch", epochs.get(i).toLong()));
                }
              }
            })
        .onFailure(e -> log.warn("socket order not re-checked {}", kv("error", e.getMessage())));
  }

  /** Redis's id of the signal subscription's connection. */
  long signalClientId() {
    return signals.clientId();
  }

  private List<Connection> local(UUID sessionId) {
    Set<Connection> set = live.get(sessionId);
    return set == null ? List.of() : List.copyOf(set);
  }

  /** Open sockets held by this gateway. */
  public int connections() {
    return connections.get();
  }

  /** Vert.x timers currently owned by this gateway's connections. */
  public int ownedTimers() {
    return parts.liveTimers().get();
  }

  /** Sessions with a code snapshot write pending or running on this node. */
  public int snapshotWritesInFlight() {
    return parts.snapshots().inFlight();
  }

  /** Sessions with at least one local socket. */
  public int sessionsHeld() {
    return live.size();
  }

  /**
   * Outbound audio figures of the sockets of {@code sessionId} here: {@code [queuedBytes,
   * maxQueuedBytes, dropped]}.
   */
  public long[] outboundAudio(UUID sessionId) {
    long[] totals = new long[3];
    for (Connection connection : local(sessionId)) {
      totals[0] += connection.outbound().queuedAudioBytes();
      totals[1] = Math.max(totals[1], connection.outbound().maxQueuedAudioBytes());
      totals[2] += connection.outbound().droppedAudioFrames();
    }
    return totals;
  }

  public Future<Void> close() {
    return signals.close();
  }
}
