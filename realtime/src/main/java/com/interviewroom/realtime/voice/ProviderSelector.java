package com.interviewroom.realtime.voice;

import com.interviewroom.common.config.Config;
import java.util.ArrayList;
import java.util.List;

/**
 * Which providers a session tries, in order: free tier → Gemini then OpenAI; pro and enterprise →
 * OpenAI then Gemini; a provider without a key is skipped; no keys at all → the local interviewer.
 * A provider marked unusable in {@link ProviderHealth} is skipped while another one is usable; one
 * over its daily budget is skipped for new sessions.
 */
public final class ProviderSelector {
  private final boolean openAi;
  private final boolean gemini;
  private final ProviderHealth health;

  public ProviderSelector(boolean openAiConfigured, boolean geminiConfigured) {
    this(openAiConfigured, geminiConfigured, new ProviderHealth(java.time.Clock.systemUTC()));
  }

  public ProviderSelector(
      boolean openAiConfigured, boolean geminiConfigured, ProviderHealth health) {
    this.openAi = openAiConfigured;
    this.gemini = geminiConfigured;
    this.health = health;
  }

  public static ProviderSelector from(Config.Providers providers, ProviderHealth health) {
    return new ProviderSelector(
        providers.openAiKey() != null, providers.geminiKey() != null, health);
  }

  public List<String> chain(String tier) {
    return chain(tier, java.util.Set.of());
  }

  /**
   * As {@link #chain(String)}, leaving out the providers whose daily budget is reached ({@link
   * BudgetGuard}); when that leaves none, the local interviewer.
   */
  public List<String> chain(String tier, java.util.Set<String> overBudget) {
    List<String> order =
        "free".equals(tier) ? List.of("gemini", "openai") : List.of("openai", "gemini");
    List<String> chain = new ArrayList<>();
    for (String name : order) {
      if ((("openai".equals(name) && openAi) || ("gemini".equals(name) && gemini))
          && !overBudget.contains(name)) {
        chain.add(name);
      }
    }
    if (chain.isEmpty()) {
      chain.add("local");
      return List.copyOf(chain);
    }
    // a provider that refused permanently (unknown model, bad key) is skipped while another one is
    // usable
    List<String> usable = chain.stream().filter(health::usable).toList();
    return usable.isEmpty() ? List.copyOf(chain) : usable;
  }
}
