package com.interviewroom.realtime.voice;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProviderSelectorTest {

  @DisplayName("free tier tries Gemini then OpenAI; pro and enterprise try OpenAI then Gemini")
  @Test
  void byTier() {
    ProviderSelector both = new ProviderSelector(true, true);
    assertThat(both.chain("free")).containsExactly("gemini", "openai");
    assertThat(both.chain("pro")).containsExactly("openai", "gemini");
    assertThat(both.chain("enterprise")).containsExactly("openai", "gemini");
  }

  @DisplayName(
      "a provider without a key is skipped, and no keys at all means the local interviewer")
  @Test
  void missingKeys() {
    assertThat(new ProviderSelector(true, false).chain("free")).containsExactly("openai");
    assertThat(new ProviderSelector(false, true).chain("pro")).containsExactly("gemini");
    assertThat(new ProviderSelector(false, false).chain("pro")).containsExactly("local");
  }

  @DisplayName(
      "a provider over its daily budget is left out of the chain; with none left, the local interviewer")
  @Test
  void overBudget() {
    ProviderSelector both = new ProviderSelector(true, true);
    assertThat(both.chain("pro", java.util.Set.of("openai"))).containsExactly("gemini");
    assertThat(both.chain("free", java.util.Set.of("gemini"))).containsExactly("openai");
    assertThat(both.chain("free", java.util.Set.of("gemini", "openai"))).containsExactly("local");
    assertThat(both.chain("free", java.util.Set.of("anthropic")))
        .containsExactly("gemini", "openai");
  }
}
