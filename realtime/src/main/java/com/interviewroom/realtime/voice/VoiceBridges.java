package com.interviewroom.realtime.voice;

import com.interviewroom.common.config.Config;
import com.interviewroom.schema.Database;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The voice factory the gateway uses: one {@link VoiceBridge} per event loop, created on first use
 * on that loop. The gateway serves sockets on every edge/realtime verticle instance, and a bridge's
 * transcript batcher and sessions must share one event loop so they need no locks.
 */
public final class VoiceBridges implements VoiceSessionFactory {
  private final Vertx vertx;
  private final Config config;
  private final Database db;
  private final Map<Context, VoiceBridge> byContext = new ConcurrentHashMap<>();

  public VoiceBridges(Vertx vertx, Config config, Database db) {
    this.vertx = vertx;
    this.config = config;
    this.db = db;
  }

  @Override
  public Future<VoiceSession> open(InterviewContext context, ClientChannel client) {
    Context current = Vertx.currentContext();
    if (current == null || !current.isEventLoopContext()) {
      return Future.failedFuture(new IllegalStateException("voice sessions open on an event loop"));
    }
    return byContext.computeIfAbsent(current, ignored -> VoiceBridge.create(vertx, config, db)).factory().open(context, client);
  }

  /** Flushes every bridge's transcripts and closes its provider client. */
  public Future<Void> close() {
    List<Future<Void>> closing = byContext.values().stream().map(VoiceBridge::close).toList();
    byContext.clear();
    return Future.join(closing).mapEmpty();
  }
}
