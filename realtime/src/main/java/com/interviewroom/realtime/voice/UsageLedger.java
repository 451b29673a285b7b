package com.interviewroom.realtime.voice;

import com.interviewroom.common.cost.Kinds;
import com.interviewroom.common.cost.Metered;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one bridge's providers reported using: added to the session row's usage and priced into the
 * cost ledger. Writes run one after another; a failed one keeps its part for the next, and {@link
 * #close} gives each one last try. Event loop only.
 */
final class UsageLedger {
  /** The bridge's logger: these lines are part of that session's voice story in the logs. */
  private static final Logger LOG = LoggerFactory.getLogger(BridgedVoiceSession.class);

  private final UUID sessionId;
  private final SessionRecords records;

  /** Usage reported but not yet added to the session row. */
  private JsonObject unsavedUsage = new JsonObject();

  /** Usage writes run one after another. */
  private Future<Void> usageWrite = Future.succeededFuture();

  /**
   * Priced usage not yet in the cost ledger; a failed write keeps its entries (same keys) for the
   * next one.
   */
  private List<CostItem> unsavedCosts = new ArrayList<>();

  private Future<Void> costWrite = Future.succeededFuture();

  /** Makes the cost keys of responses without a provider id unique to this bridge. */
  private final String bridgeId = UUID.randomUUID().toString();

  private long costSeq;

  private record CostItem(String eventKey, Metered usage) {}

  UsageLedger(UUID sessionId, SessionRecords records) {
    this.sessionId = sessionId;
    this.records = records;
  }

  /**
   * Adds one response's usage to what is still to be written; writes run one after another and
   * carry increments, so usage from an earlier bridge of the same session (a reconnect) is kept. A
   * failed write puts its increment back for the next one.
   */
  void addUsage(String providerName, JsonObject reported) {
    JsonObject increment = new JsonObject();
    UsageTotals.add(increment, reported);
    increment.put("responses", 1L);
    JsonObject mine = new JsonObject();
    UsageTotals.add(mine, reported);
    increment.put("by_provider", new JsonObject().put(providerName, mine));
    UsageTotals.add(unsavedUsage, increment);
    usageWrite = usageWrite.transform(ignored -> writeUsage());
  }

  /**
   * Queues one response's priced kinds for the cost ledger, keyed by the provider's response id
   * when it has one, else by this bridge and a sequence number: a retried write reuses the key.
   */
  void addCost(String providerName, JsonObject reported) {
    JsonObject metered = reported.getJsonObject(VoiceEvent.METERED);
    if (metered == null || metered.isEmpty() || !Kinds.PROVIDERS.containsKey(providerName)) {
      return; // the local interviewer costs nothing
    }
    Map<String, Long> counts = new HashMap<>();
    for (String kind : metered.fieldNames()) {
      if (metered.getValue(kind) instanceof Number n) {
        counts.put(kind, n.longValue());
      }
    }
    String model = reported.getString(VoiceEvent.MODEL, providerName);
    String responseId = reported.getString(VoiceEvent.RESPONSE_ID);
    String key =
        responseId != null
            ? "voice:" + providerName + ":" + responseId
            : "voice:" + providerName + ":" + sessionId + ":" + bridgeId + ":" + (++costSeq);
    try {
      unsavedCosts.add(new CostItem(key, Metered.ofCounts(providerName, model, counts)));
    } catch (IllegalArgumentException e) {
      LOG.warn("usage not priced: {}", e.getMessage());
      return;
    }
    costWrite = costWrite.transform(ignored -> writeCosts());
  }

  /** A failed write gets one last try; completes when both writes are done. */
  Future<Void> close() {
    usageWrite =
        usageWrite.transform(ignored -> writeUsage()); // a failed increment gets one last try
    costWrite = costWrite.transform(ignored -> writeCosts());
    return Future.join(usageWrite, costWrite).mapEmpty();
  }

  private Future<Void> writeCosts() {
    if (unsavedCosts.isEmpty()) {
      return Future.succeededFuture();
    }
    List<CostItem> batch = unsavedCosts;
    unsavedCosts = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (CostItem item : batch) {
      chain =
          chain.transform(
              ignored ->
                  records
                      .recordCost(sessionId, item.eventKey(), item.usage())
                      .onFailure(
                          err -> {
                            unsavedCosts.add(item);
                            LOG.warn(
                                "could not record session cost: {}",
                                err.getClass().getSimpleName());
                          }));
    }
    return chain.recover(err -> Future.succeededFuture());
  }

  private Future<Void> writeUsage() {
    if (unsavedUsage.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonObject increment = unsavedUsage;
    unsavedUsage = new JsonObject();
    return records
        .recordUsage(sessionId, increment)
        .onFailure(
            err -> {
              UsageTotals.add(unsavedUsage, increment);
              LOG.warn("could not record session usage: {}", err.getClass().getSimpleName());
            });
  }
}
