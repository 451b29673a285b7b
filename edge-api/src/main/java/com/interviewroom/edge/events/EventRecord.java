package com.interviewroom.edge.events;

import com.interviewroom.common.http.RequestIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** One row of the {@code events} audit log: who changed what, in which request. */
public record EventRecord(
    String requestId,
    UUID userId,
    UUID sessionId,
    String groupId,
    String kind,
    String trackedSkillIdHash,
    JsonObject payload) {

  /**
   * Context key under which the SHA-256 of {@code X-Tracked-Skill-Id} is kept; the raw value never
   * is.
   */
  public static final String TRACKED_SKILL_HASH = "trackedSkillIdHash";

  public static EventRecord of(
      RoutingContext ctx, UUID userId, UUID sessionId, String kind, JsonObject payload) {
    return new EventRecord(
        RequestIds.of(ctx), userId, sessionId, null, kind, ctx.get(TRACKED_SKILL_HASH), payload);
  }
}
