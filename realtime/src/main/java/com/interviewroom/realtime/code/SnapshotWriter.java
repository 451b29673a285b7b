package com.interviewroom.realtime.code;

import com.interviewroom.realtime.session.LiveSessionRepository;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Code snapshot writes, one in flight per session on this node: each write starts after the
 * session's previous one settled, even when it came from another socket (an old socket flushing
 * while its replacement writes). The chain's tail is forgotten once it completes.
 */
public final class SnapshotWriter {
  private final LiveSessionRepository sessions;
  private final ConcurrentHashMap<UUID, Future<Void>> tails = new ConcurrentHashMap<>();

  public SnapshotWriter(LiveSessionRepository sessions) {
    this.sessions = sessions;
  }

  public Future<Void> write(UUID sessionId, String code, String language, String type, long atMs) {
    @SuppressWarnings("unchecked")
    Future<Void>[] mine = new Future[1];
    tails.compute(
        sessionId,
        (id, tail) -> {
          Future<Void> previous = tail == null ? Future.succeededFuture() : tail;
          mine[0] =
              previous.transform(
                  settled -> sessions.snapshot(sessionId, code, language, type, atMs));
          return mine[0];
        });
    mine[0].onComplete(done -> tails.remove(sessionId, mine[0]));
    return mine[0];
  }

  /** Sessions with a snapshot write pending or running here. */
  public int inFlight() {
    return tails.size();
  }
}
