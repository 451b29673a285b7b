package com.interviewroom.realtime.voice;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** What the voice bridge reads and writes about a session row. */
public interface SessionRecords {
  /** {@code free}, {@code pro} or {@code enterprise}. */
  Future<String> tier(UUID userId);

  Future<Void> recordProvider(UUID sessionId, String provider);

  /**
   * Adds {@code increment} (numeric leaves, nested objects included) to the session's usage totals.
   */
  Future<Void> recordUsage(UUID sessionId, JsonObject increment);

  /**
   * Prices and records one response's usage in the cost ledger under {@code eventKey} (once: a
   * repeated key adds nothing). Records that keep no ledger (tests) accept and drop it.
   */
  default Future<Void> recordCost(
      UUID sessionId, String eventKey, com.interviewroom.common.cost.Metered usage) {
    return Future.succeededFuture();
  }

  /**
   * Marks the session errored and refunds its credit once (the ledger's unique index keeps it
   * once-only).
   */
  Future<Void> markErroredAndRefund(UUID sessionId);
}
