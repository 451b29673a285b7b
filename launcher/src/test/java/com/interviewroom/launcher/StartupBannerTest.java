package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StartupBannerTest {
  @Test
  @DisplayName(
      "the banner points at metrics on the internal listener, where they are served, not the public one")
  void metricsOnTheInternalListener() {
    Config config = Config.from(Map.of("PORT", "9080", "INTERNAL_PORT", "9081"));
    String text = StartupBanner.text(config, Set.of("postgres", "redis", "s3"));

    assertThat(text)
        .contains("metrics       http://" + config.http().internalHost() + ":9081/metrics\n");
    assertThat(text).doesNotContain(config.http().publicBaseUrl() + "/metrics");
    assertThat(text).contains("web + API     " + config.http().publicBaseUrl() + "\n");
    assertThat(text).contains("postgres      embedded\n");
  }
}
