package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;
import java.nio.file.Path;

/**
 * The internal webhook secret of the embedded default: outside production, when {@code
 * INTERNAL_WEBHOOK_SECRET} is unset, one is generated once and kept at {@code
 * DATA_DIR/keys/internal-webhook-secret}, so every process sharing the data directory agrees.
 * Production refuses to start without the variable ({@code Config.from}).
 */
final class InternalSecret {
  private InternalSecret() {}

  static Config ensure(Config config) {
    if (config.internalWebhookSecret() != null) {
      return config;
    }
    return config.withInternalWebhookSecret(
        loadOrCreate(config.dataDir().resolve("keys/internal-webhook-secret")));
  }

  static String loadOrCreate(Path file) {
    return com.interviewroom.launcher.embedded.SecretFile.loadOrCreate(file);
  }
}
