package com.interviewroom.session.signal;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.UUID;

/**
 * Redis pub/sub channels that reach whichever node holds a session's WebSocket. In-memory maps
 * alone never carry cross-node signals.
 *
 * <ul>
 *   <li>{@link #control(UUID)}: JSON {@code {"type":"end","reason":"..."}} ends the session's
 *       socket; {@code {"type":"replaced","connectionId":"..."}} closes an older socket when a
 *       newer one connects.
 *   <li>{@link #context(UUID)}: JSON {@code
 *       {"kind":"CODE_OBSERVATION|EXECUTION_RESULT|TIME_WARNING","text":"...", "payload":{...}}}
 *       for the live interviewer and, for execution results, the candidate's socket.
 * </ul>
 */
public final class SessionSignals {
  /** Every control channel starts with this, followed by the session id. */
  public static final String CONTROL_PREFIX = "session-control:";

  /** Every context channel starts with this, followed by the session id. */
  public static final String CONTEXT_PREFIX = "session-context:";

  private SessionSignals() {}

  public static String control(UUID sessionId) {
    return CONTROL_PREFIX + sessionId;
  }

  public static String context(UUID sessionId) {
    return CONTEXT_PREFIX + sessionId;
  }

  /** Tells the socket's node, whichever it is, to end the session's socket with {@code reason}. */
  public static Future<Void> publishEnd(Redis redis, UUID sessionId, String reason) {
    return redis
        .send(
            Request.cmd(Command.PUBLISH)
                .arg(control(sessionId))
                .arg(new JsonObject().put("type", "end").put("reason", reason).encode()))
        .mapEmpty();
  }
}
