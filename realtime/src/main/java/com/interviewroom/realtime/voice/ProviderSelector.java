package com.interviewroom.realtime.voice;

import com.interviewroom.common.config.Config;

import java.util.ArrayList;
import java.util.List;

/**
 * Which providers a session tries, in order: free tier → Gemini then OpenAI; pro and enterprise →
 * OpenAI then Gemini; a provider without a key is skipped; no keys at all → the local interviewer.
 */
public final class ProviderSelector {
  private final boolean openAi;
  private final boolean gemini;

  public ProviderSelector(boolean openAiConfigured, boolean geminiConfigured) {
    this.openAi = openAiConfigured;
    this.gemini = geminiConfigured;
  }

  public static ProviderSelector from(Config.Providers providers) {
    return new ProviderSelector(providers.openAiKey() != null, providers.geminiKey() != null);
  }

  public List<String> chain(String tier) {
    List<String> order = "free".equals(tier) ? List.of("gemini", "openai") : List.of("openai", "gemini");
    List<String> chain = new ArrayList<>();
    for (String name : order) {
      if (("openai".equals(name) && openAi) || ("gemini".equals(name) && gemini)) {
        chain.add(name);
      }
    }
    if (chain.isEmpty()) {
      chain.add("local");
    }
    return List.copyOf(chain);
  }
}
