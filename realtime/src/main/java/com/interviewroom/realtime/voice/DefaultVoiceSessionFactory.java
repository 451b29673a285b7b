package com.interviewroom.realtime.voice;

import com.interviewroom.realtime.transcript.TranscriptBatcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;

/**
 * Opens a {@link BridgedVoiceSession} per connection: looks up the user's tier, picks the provider
 * chain, connects with retries. When every attempt fails the returned future fails with {@link
 * ProviderUnavailable} and {@code onProviderUnavailable} (by default: session errored plus a
 * once-only refund) has been called.
 */
public final class DefaultVoiceSessionFactory implements VoiceSessionFactory {
  private final Vertx vertx;
  private final ProviderSelector selector;
  private final Function<String, VoiceProvider> providers;
  private final TranscriptBatcher transcripts;
  private final SessionRecords records;
  private final Function<UUID, Future<Void>> onProviderUnavailable;
  private final BridgedVoiceSession.Settings settings;
  private final Clock clock;

  /** Null: no budgets to honour. */
  private BudgetGuard budgets;

  public DefaultVoiceSessionFactory(
      Vertx vertx,
      ProviderSelector selector,
      Function<String, VoiceProvider> providers,
      TranscriptBatcher transcripts,
      SessionRecords records,
      Function<UUID, Future<Void>> onProviderUnavailable,
      BridgedVoiceSession.Settings settings,
      Clock clock) {
    this.vertx = vertx;
    this.selector = selector;
    this.providers = providers;
    this.transcripts = transcripts;
    this.records = records;
    this.onProviderUnavailable = onProviderUnavailable;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * The production wiring: errored + refund through {@link SessionRecords#markErroredAndRefund}.
   */
  public DefaultVoiceSessionFactory(
      Vertx vertx,
      ProviderSelector selector,
      Function<String, VoiceProvider> providers,
      TranscriptBatcher transcripts,
      SessionRecords records) {
    this(
        vertx,
        selector,
        providers,
        transcripts,
        records,
        records::markErroredAndRefund,
        BridgedVoiceSession.Settings.standard(),
        Clock.systemUTC());
  }

  /** New sessions leave out the providers {@code guard} finds over today's budget. */
  public DefaultVoiceSessionFactory withBudgets(BudgetGuard guard) {
    this.budgets = guard;
    return this;
  }

  @Override
  public Future<VoiceSession> open(InterviewContext context, ClientChannel client) {
    return records
        .tier(context.userId())
        .recover(
            err -> Future.succeededFuture("free")) // an unknown tier must not block the interview
        .compose(
            tier ->
                (budgets == null
                        ? Future.succeededFuture(java.util.Set.<String>of())
                        : budgets.overBudget())
                    .map(over -> chain(tier, over)))
        .compose(
            chain -> {
              BridgedVoiceSession session =
                  new BridgedVoiceSession(
                      vertx,
                      context,
                      client,
                      chain,
                      providers,
                      transcripts,
                      records,
                      onProviderUnavailable,
                      settings,
                      clock);
              client.opening(session);
              return session.start();
            });
  }

  private java.util.List<String> chain(String tier, java.util.Set<String> overBudget) {
    java.util.List<String> chosen = selector.chain(tier, overBudget);
    if (budgets != null) {
      selector.chain(tier).stream()
          .filter(p -> overBudget.contains(p) && !chosen.contains(p))
          .forEach(budgets::rerouted);
    }
    return chosen;
  }
}
