package com.interviewroom.common.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.UUID;

/**
 * Publishes domain events to the Redis Stream {@code events} (capped near 10,000 entries), which
 * the observer and evaluator worker groups consume. Entry fields: {@code type}, {@code sessionId},
 * {@code userId}, {@code requestId}, {@code data} (JSON text).
 */
public final class EventStream {
  public static final String STREAM = "events";
  public static final String MAX_LEN = "10000";

  public static final String SESSION_STARTED = "session.started";
  public static final String SESSION_ENDED = "session.ended";
  public static final String CODE_EDITED = "code.edited";
  public static final String CODE_EXECUTED = "code.executed";

  /**
   * What the failure detector (the {@code failure-detectors} group) reads besides the above; see
   * docs/wire-protocol.md, "Events stream", for each one's data.
   */
  public static final String VOICE_FAILOVER = "voice.failover";

  public static final String VOICE_UNAVAILABLE = "voice.unavailable";
  public static final String VOICE_FIRST_AUDIO = "voice.first_audio";
  public static final String VOICE_SILENCE = "voice.silence";
  public static final String VOICE_BARGE_IN = "voice.barge_in";
  public static final String SOCKET_DROPPED = "socket.dropped";
  public static final String SANDBOX_UNAVAILABLE = "sandbox.unavailable";
  public static final String EVALUATION_FAILED = "evaluation.failed";

  private final Redis redis;

  public EventStream(Redis redis) {
    this.redis = redis;
  }

  /** Completes with the entry id. */
  public Future<String> publish(
      String type, UUID sessionId, UUID userId, String requestId, JsonObject data) {
    Request xadd =
        Request.cmd(Command.XADD)
            .arg(STREAM)
            .arg("MAXLEN")
            .arg("~")
            .arg(MAX_LEN)
            .arg("*")
            .arg("type")
            .arg(type)
            .arg("sessionId")
            .arg(sessionId == null ? "" : sessionId.toString())
            .arg("userId")
            .arg(userId == null ? "" : userId.toString())
            .arg("requestId")
            .arg(requestId == null ? "" : requestId)
            .arg("data")
            .arg((data == null ? new JsonObject() : data).encode());
    return redis.send(xadd).map(response -> response.toString());
  }
}
