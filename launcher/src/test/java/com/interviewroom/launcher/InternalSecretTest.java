package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InternalSecretTest {
  @TempDir Path dataDir;

  @Test
  @DisplayName(
      "in development an unset internal secret is generated once, persisted under DATA_DIR/keys and reused")
  void generatedAndPersisted() throws Exception {
    Config config = Config.from(Map.of("DATA_DIR", dataDir.toString()));
    String first = InternalSecret.ensure(config).internalWebhookSecret();
    String second = InternalSecret.ensure(config).internalWebhookSecret();
    assertThat(first).hasSize(64).isEqualTo(second);
    assertThat(Files.readString(dataDir.resolve("keys/internal-webhook-secret")).trim())
        .isEqualTo(first);
  }

  @Test
  @DisplayName("an explicit INTERNAL_WEBHOOK_SECRET wins and nothing is written")
  void explicitSecretWins() {
    String secret = "explicit-secret-0123456789abcdefghijkl";
    Config config =
        Config.from(Map.of("DATA_DIR", dataDir.toString(), "INTERNAL_WEBHOOK_SECRET", secret));
    assertThat(InternalSecret.ensure(config).internalWebhookSecret()).isEqualTo(secret);
    assertThat(dataDir.resolve("keys/internal-webhook-secret")).doesNotExist();
  }
}
