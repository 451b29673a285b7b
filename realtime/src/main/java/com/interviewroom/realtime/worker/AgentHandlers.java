package com.interviewroom.realtime.worker;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.internal.InternalClient;
import com.interviewroom.common.wire.InternalPaths;
import com.interviewroom.realtime.code.CodeSync;
import com.interviewroom.session.model.SessionStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * The two groups' handlers: each turns one event into a signed call to the edge API's internal
 * listener, keyed by {@code <entry id>:<group>} so a redelivered entry has exactly one effect.
 */
public final class AgentHandlers {
  public static final String OBSERVE = InternalPaths.OBSERVE_CODE;
  public static final String EVALUATE = InternalPaths.EVALUATE;

  /**
   * The workers' timeout for one internal call: longer than the slowest evaluation the edge can run
   * ({@code Evaluator.worstCaseMs}: 350 s with the default model timeout, see docs/evaluation.md),
   * so a slow but healthy evaluation is waited for rather than retried.
   */
  public static final long CALL_TIMEOUT_MS = 360_000;

  private AgentHandlers() {}

  /**
   * {@code code.edited} → observe-code with the session's latest code, read from its Redis key
   * ({@link CodeSync#key}; entries carry only a hash of the code). No key means the session has
   * ended, and there is nothing left to observe. A 429 (the session's 2 s window) means "skip",
   * which is done too.
   */
  public static EntryHandler observer(InternalClient client, Redis redis) {
    return (entry, group) -> {
      if (!EventStream.CODE_EDITED.equals(entry.type()) || entry.sessionId() == null) {
        return Future.succeededFuture();
      }
      return latestCode(entry, redis)
          .compose(
              code ->
                  code == null
                      ? Future.succeededFuture()
                      : call(
                          client,
                          OBSERVE,
                          withUser(
                              new JsonObject()
                                  .put("sessionId", entry.sessionId().toString())
                                  .put("code", code.getString("code", ""))
                                  .put("language", code.getString("language", "")),
                              entry),
                          entry,
                          group));
    };
  }

  /**
   * The session's user, when the entry names one: the sandbox runner limits observer compiles per
   * user.
   */
  private static JsonObject withUser(JsonObject body, StreamEntry entry) {
    String user = entry.fields().get("userId");
    return user == null || user.isEmpty() ? body : body.put("userId", user);
  }

  /** Entries written before the code moved out of the stream carry it themselves. */
  private static Future<JsonObject> latestCode(StreamEntry entry, Redis redis) {
    JsonObject data = entry.data();
    if (data.containsKey("code")) {
      return Future.succeededFuture(data);
    }
    return redis
        .send(Request.cmd(Command.GET).arg(CodeSync.key(entry.sessionId())))
        .map(saved -> saved == null ? null : new JsonObject(saved.toString()));
  }

  /**
   * {@code session.ended} of a completed interview → evaluate. Abandoned and errored sessions are
   * announced too (so every end is visible on the stream) but are not scored: the session list
   * shows no evaluation for them, and an errored one was refunded.
   */
  public static EntryHandler evaluator(InternalClient client) {
    return evaluator(client, null);
  }

  /**
   * As {@link #evaluator(InternalClient)}; an evaluation the edge stored as {@code failed} (the
   * model kept failing) is announced as {@code evaluation.failed} on {@code events} for the failure
   * detector, before the entry is acknowledged (a redelivery announces it again; the detector
   * de-duplicates).
   */
  public static EntryHandler evaluator(InternalClient client, EventStream events) {
    return (entry, group) -> {
      if (!EventStream.SESSION_ENDED.equals(entry.type()) || !evaluable(entry.data())) {
        return Future.succeededFuture();
      }
      return client
          .post(
              EVALUATE,
              new JsonObject().put("sessionId", String.valueOf(entry.sessionId())),
              entry.id() + ":" + group)
          .compose(
              reply -> {
                if (!reply.ok() && reply.status() != 429) {
                  return Future.failedFuture(
                      new IllegalStateException("internal API answered " + reply.status()));
                }
                boolean failed =
                    reply.body() != null && "failed".equals(reply.body().getString("status"));
                return failed && events != null
                    ? events
                        .publish(
                            EventStream.EVALUATION_FAILED,
                            entry.sessionId(),
                            null,
                            entry.fields().get("requestId"),
                            new JsonObject().put("error", reply.body().getString("error")))
                        .<Void>mapEmpty()
                    : Future.<Void>succeededFuture();
              });
    };
  }

  /** Entries written before the status was announced carry none; those are evaluated as before. */
  static boolean evaluable(JsonObject ended) {
    String status = ended.getString("status");
    return status == null || SessionStatus.COMPLETED.dbValue().equals(status);
  }

  private static Future<Void> call(
      InternalClient client, String path, JsonObject body, StreamEntry entry, String group) {
    return client
        .post(path, body, entry.id() + ":" + group)
        .compose(
            reply ->
                reply.ok() || reply.status() == 429
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new IllegalStateException("internal API answered " + reply.status())));
  }
}
