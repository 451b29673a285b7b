package com.interviewroom.realtime.voice;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** What the voice bridge reads and writes about a session row. */
public interface SessionRecords {
  /** {@code free}, {@code pro} or {@code enterprise}. */
  Future<String> tier(UUID userId);

  Future<Void> recordProvider(UUID sessionId, String provider);

  /** Adds {@code increment} (numeric leaves, nested objects included) to the session's usage totals. */
  Future<Void> recordUsage(UUID sessionId, JsonObject increment);

  /** Marks the session errored and refunds its credit once (the ledger's unique index keeps it once-only). */
  Future<Void> markErroredAndRefund(UUID sessionId);
}
