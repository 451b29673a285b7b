package com.interviewroom.edge.session;

import static com.interviewroom.edge.EdgeServer.await;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.session.store.SessionTransitionStore;
import java.util.UUID;

/** What the realtime gateway does to a session that edge tests need without a socket. */
public final class TestSessions {
  private TestSessions() {}

  /** {@code scheduled → active}, as the candidate's first connect does (the shared transition). */
  public static SessionTransitionStore.Activated activate(EdgeServer server, UUID sessionId) {
    return await(
        server.db.asService(
            sql ->
                SessionTransitionStore.activate(
                    sql, sessionId, SessionTransitionStore.Origin.SYSTEM)));
  }
}
