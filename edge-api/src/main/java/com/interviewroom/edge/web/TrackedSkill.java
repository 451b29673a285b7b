package com.interviewroom.edge.web;

import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.events.EventRecord;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code X-Tracked-Skill-Id} on arrival, keeps only its SHA-256 under
 * {@link EventRecord#TRACKED_SKILL_HASH} and removes the raw header from the request, so no later
 * handler, event row, storage write or log line can see the raw value.
 */
public final class TrackedSkill implements Handler<RoutingContext> {
  public static final String HEADER = "X-Tracked-Skill-Id";
  public static final int MAX_LENGTH = 200;

  @Override
  public void handle(RoutingContext ctx) {
    String raw = ctx.request().getHeader(HEADER);
    if (raw == null) {
      ctx.next();
      return;
    }
    ctx.request().headers().remove(HEADER);
    if (raw.isBlank() || raw.length() > MAX_LENGTH) {
      // The problem names the header, never echoes its value.
      ctx.fail(Problems.validation(new JsonArray().add(new JsonObject()
          .put("field", HEADER)
          .put("message", "must be between 1 and " + MAX_LENGTH + " characters"))));
      return;
    }
    ctx.put(EventRecord.TRACKED_SKILL_HASH, Hashing.sha256Hex(raw));
    ctx.next();
  }
}
