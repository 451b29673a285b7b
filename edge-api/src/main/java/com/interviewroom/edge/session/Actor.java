package com.interviewroom.edge.session;

import com.interviewroom.common.http.RequestIds;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.session.store.SessionTransitionStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Who causes a change, for the {@code events} log: the user and request of a REST call, or a system
 * actor (gateway, sweeper) with no user request behind it.
 */
public record Actor(UUID userId, String requestId, String trackedSkillIdHash) {

  public static Actor of(RoutingContext ctx) {
    return new Actor(
        BearerAuth.user(ctx).id(), RequestIds.of(ctx), ctx.get(EventRecord.TRACKED_SKILL_HASH));
  }

  public static Actor system(UUID userId) {
    return new Actor(userId, null, null);
  }

  /** The same, as the shared status transitions record it. */
  public SessionTransitionStore.Origin origin() {
    return new SessionTransitionStore.Origin(requestId, trackedSkillIdHash);
  }

  EventRecord event(UUID sessionId, String kind, JsonObject payload) {
    return new EventRecord(requestId, userId, sessionId, null, kind, trackedSkillIdHash, payload);
  }
}
