package com.interviewroom.common.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.config.ConfigException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
  private static final String RATES =
      """
      "openai": {"*": {"text_in": %1$s, "text_in_cached": 0, "audio_in": 0, "audio_in_cached": 0, "text_out": 0, "audio_out": 0, "audio_seconds": 0},
                 "gpt-realtime-mini": {"text_in": 1, "text_in_cached": 0, "audio_in": 0, "audio_in_cached": 0, "text_out": 0, "audio_out": 0,
                                       "audio_seconds": 0}},
      "gemini": {"*": {"text_in": 0, "text_in_cached": 0, "audio_in": 0, "audio_in_cached": 0, "text_out": 0, "audio_out": 0}},
      "anthropic": {"*": {"input": 3, "cache_write": 3.75, "cache_read": 0.3, "output": 15},
                    "claude-sonnet-4": {"input": 3, "cache_write": 3.75, "cache_read": 0.3, "output": 15},
                    "claude-sonnet-4-6": {"input": 2, "cache_write": 2.5, "cache_read": 0.2, "output": 10}},
      "sandbox": {"*": {"cpu_seconds": 20}}""";

  private static String table(String... versions) {
    return "{\"versions\": [" + String.join(",", versions) + "]}";
  }

  private static String version(String name, String from, String textIn) {
    return "{\"version\": \""
        + name
        + "\", \"effectiveFrom\": \""
        + from
        + "\", \"providers\": {"
        + RATES.formatted(textIn)
        + "}}";
  }

  @Test
  @DisplayName(
      "a call is priced by the version in effect on its day, and the entry names that version")
  void versionsByDay() {
    PriceTable prices =
        PriceTable.parse(table(version("v2", "2026-07-01", "8"), version("v1", "2026-01-01", "4")));
    Metered usage = Metered.ofCounts("openai", "gpt-realtime", Map.of(Kinds.TEXT_IN, 1_000_000L));
    Priced june = prices.price(usage, LocalDate.of(2026, 6, 30));
    Priced july = prices.price(usage, LocalDate.of(2026, 7, 1));
    assertThat(june.priceVersion()).isEqualTo("v1");
    assertThat(june.usd()).isEqualByComparingTo("4");
    assertThat(july.priceVersion()).isEqualTo("v2");
    assertThat(july.usd()).isEqualByComparingTo("8");
    assertThat(prices.versionName(LocalDate.of(2025, 1, 1))).isEqualTo("v1");
  }

  @Test
  @DisplayName(
      "the longest model key a model starts with prices it, else '*'; amounts keep 8 decimals")
  void modelMatching() {
    PriceTable prices = PriceTable.parse(table(version("v1", "2026-01-01", "4")));
    LocalDate day = LocalDate.of(2026, 12, 6);
    Map<String, Long> tokens = Map.of(Kinds.INPUT, 1_000L, Kinds.OUTPUT, 100L);
    assertThat(
            prices
                .price(Metered.ofCounts("anthropic", "claude-sonnet-4-6-20261001", tokens), day)
                .usd())
        .isEqualByComparingTo("0.003");
    assertThat(prices.price(Metered.ofCounts("anthropic", "claude-sonnet-4-5", tokens), day).usd())
        .isEqualByComparingTo("0.0045");
    assertThat(prices.price(Metered.ofCounts("anthropic", "claude-haiku-9", tokens), day).usd())
        .isEqualByComparingTo("0.0045");
    assertThat(
            prices
                .price(
                    Metered.ofCounts("openai", "gpt-realtime-mini-2026", Map.of(Kinds.TEXT_IN, 1L)),
                    day)
                .usd())
        .isEqualByComparingTo("0.00000100");
    assertThat(
            prices
                .price(
                    new Metered(
                        "sandbox", "runner", Map.of(Kinds.CPU_SECONDS, new BigDecimal("0.25"))),
                    day)
                .usd())
        .isEqualByComparingTo("0.000005");
  }

  @Test
  @DisplayName(
      "a table missing a provider, a '*' model or a kind, or pricing an unknown kind, is refused with the place named")
  void badTablesAreRefused() {
    assertThatThrownBy(() -> PriceTable.parse("{\"versions\": []}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no versions");
    String good = version("v1", "2026-01-01", "4");
    assertThatThrownBy(() -> PriceTable.parse(table(good.replace("\"text_in\": 4, ", ""))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("openai/* has no price for text_in");
    assertThatThrownBy(
            () ->
                PriceTable.parse(table(good.replace("\"sandbox\": {\"*\"", "\"sandbox\": {\"x\""))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sandbox needs at least a \"*\" model");
    assertThatThrownBy(
            () ->
                PriceTable.parse(
                    table(
                        good.replace(
                            "\"cpu_seconds\": 20", "\"cpu_seconds\": 20, \"gpu_seconds\": 1"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown kind gpu_seconds");
    assertThatThrownBy(() -> PriceTable.parse(table(good, version("v2", "2026-01-01", "5"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("two versions take effect on 2026-01-01");
    assertThatThrownBy(() -> PriceTable.parse(table(good.replace("2026-01-01", "Jan 1"))))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(
            () -> Metered.ofCounts("openai", "gpt-realtime", Map.of(Kinds.CPU_SECONDS, 1L)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("the built-in table loads, and PRICE_TABLE_FILE replaces it")
  void builtInAndFile(@TempDir Path dir) throws Exception {
    assertThat(PriceTable.builtIn().versionName(LocalDate.of(2026, 12, 6))).isEqualTo("2026-12-01");
    Path file = dir.resolve("prices.json");
    Files.writeString(file, table(version("ours-1", "2026-01-01", "4")));
    Config.Operations ops = Config.from(Map.of("PRICE_TABLE_FILE", file.toString())).operations();
    assertThat(PriceTable.from(ops).versionName(LocalDate.of(2026, 12, 6))).isEqualTo("ours-1");
  }

  @Test
  @DisplayName(
      "ADMIN_EMAILS and BUDGET_DAILY_USD_* are read, lower-cased and checked; wrong values name the variable")
  void operationsConfig() {
    Config.Operations ops =
        Config.from(
                Map.of(
                    "ADMIN_EMAILS",
                    " Ops@Example.com, lead@example.com ,",
                    "BUDGET_DAILY_USD_OPENAI",
                    "25.50",
                    "BUDGET_DAILY_USD_SANDBOX",
                    "0"))
            .operations();
    assertThat(ops.adminEmails()).containsExactlyInAnyOrder("ops@example.com", "lead@example.com");
    assertThat(ops.budget("openai")).isEqualByComparingTo("25.50");
    assertThat(ops.budget("sandbox")).isEqualByComparingTo("0");
    assertThat(ops.budget("gemini")).isNull();
    assertThat(Config.from(Map.of()).operations()).isEqualTo(Config.Operations.DEFAULTS);
    assertThatThrownBy(() -> Config.from(Map.of("BUDGET_DAILY_USD_GEMINI", "-1")))
        .hasMessageContaining("BUDGET_DAILY_USD_GEMINI");
    assertThatThrownBy(() -> Config.from(Map.of("BUDGET_DAILY_USD_ANTHROPIC", "lots")))
        .hasMessageContaining("BUDGET_DAILY_USD_ANTHROPIC");
    assertThatThrownBy(() -> Config.from(Map.of("ADMIN_EMAILS", "not-an-address")))
        .hasMessageContaining("ADMIN_EMAILS");
  }
}
