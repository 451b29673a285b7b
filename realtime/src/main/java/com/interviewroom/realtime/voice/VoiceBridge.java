package com.interviewroom.realtime.voice;

import com.interviewroom.common.config.Config;
import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.cost.CostLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Everything the gateway needs for voice, built once per gateway verticle instance (the batcher and
 * the sessions it serves share that verticle's event loop, so none of them needs locks): the {@link
 * VoiceSessionFactory} to call per connection, and {@link #close()} for undeploy, which flushes
 * transcripts and closes the provider WebSocket client.
 */
public final class VoiceBridge {
  private final TranscriptBatcher transcripts;
  private final VoiceProviderSource providers;
  private final DefaultVoiceSessionFactory factory;

  private VoiceBridge(
      TranscriptBatcher transcripts,
      VoiceProviderSource providers,
      DefaultVoiceSessionFactory factory) {
    this.transcripts = transcripts;
    this.providers = providers;
    this.factory = factory;
  }

  /** Call from the gateway verticle's {@code start()}, so timers belong to its context. */
  public static VoiceBridge create(
      Vertx vertx, Config config, Database db, VoiceProviderSource providers) {
    return create(vertx, config, db, null, null, providers);
  }

  /**
   * @param costs the ledger voice usage is priced into, and {@code budgets} the guard new sessions
   *     honour (null: none); {@code providers} this verticle's provider source, closed with the
   *     bridge
   */
  public static VoiceBridge create(
      Vertx vertx,
      Config config,
      Database db,
      CostLedger costs,
      BudgetGuard budgets,
      VoiceProviderSource providers) {
    TranscriptBatcher transcripts = TranscriptBatcher.standard(vertx, db);
    SessionRecords records = new PgSessionRecords(db, costs);
    // the silence an operator hears about is CONSOLE_SILENCE_MS (docs/runbook.md, "Operator
    // console")
    BridgedVoiceSession.Settings settings =
        BridgedVoiceSession.Settings.standard()
            .withSilenceAlert(java.time.Duration.ofMillis(config.console().silenceMs()));
    DefaultVoiceSessionFactory factory =
        new DefaultVoiceSessionFactory(
                vertx,
                ProviderSelector.from(config.providers(), providers.health()),
                providers,
                transcripts,
                records,
                records::markErroredAndRefund,
                settings,
                java.time.Clock.systemUTC())
            .withBudgets(budgets);
    return new VoiceBridge(transcripts, providers, factory);
  }

  public VoiceSessionFactory factory() {
    return factory;
  }

  public Future<Void> close() {
    return Future.join(transcripts.close(), providers.close()).mapEmpty();
  }
}
