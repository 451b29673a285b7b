package com.interviewroom.realtime.worker;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.internal.InternalClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The two groups' handlers: each turns one event into a signed call to the edge API's internal
 * listener, keyed by {@code <entry id>:<group>} so a redelivered entry has exactly one effect.
 */
public final class AgentHandlers {
  public static final String OBSERVE = "/api/internal/agents/observe-code";
  public static final String EVALUATE = "/api/internal/agents/evaluate";
  /**
   * The workers' timeout for one internal call: longer than the slowest evaluation the edge can run
   * ({@code Evaluator.worstCaseMs}: 330 s with the default model timeout, see docs/evaluation.md),
   * so a slow but healthy evaluation is waited for rather than retried.
   */
  public static final long CALL_TIMEOUT_MS = 360_000;

  private AgentHandlers() {}

  /** {@code code.edited} → observe-code; a 429 (the session's 2 s window) means "skip", which is done too. */
  public static EntryHandler observer(InternalClient client) {
    return (entry, group) -> {
      if (!EventStream.CODE_EDITED.equals(entry.type())) {
        return Future.succeededFuture();
      }
      JsonObject data = entry.data();
      JsonObject body = new JsonObject().put("sessionId", String.valueOf(entry.sessionId()))
          .put("code", data.getString("code", "")).put("language", data.getString("language", ""));
      return call(client, OBSERVE, body, entry, group);
    };
  }

  /**
   * {@code session.ended} of a completed interview → evaluate. Abandoned and errored sessions are
   * announced too (so every end is visible on the stream) but are not scored: the session list
   * shows no evaluation for them, and an errored one was refunded.
   */
  public static EntryHandler evaluator(InternalClient client) {
    return (entry, group) -> EventStream.SESSION_ENDED.equals(entry.type()) && evaluable(entry.data())
        ? call(client, EVALUATE, new JsonObject().put("sessionId", String.valueOf(entry.sessionId())), entry, group)
        : Future.succeededFuture();
  }

  /** Entries written before the status was announced carry none; those are evaluated as before. */
  static boolean evaluable(JsonObject ended) {
    String status = ended.getString("status");
    return status == null || "completed".equals(status);
  }

  private static Future<Void> call(InternalClient client, String path, JsonObject body, StreamEntry entry, String group) {
    return client.post(path, body, entry.id() + ":" + group).compose(reply -> reply.ok() || reply.status() == 429
        ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("internal API answered " + reply.status())));
  }
}
