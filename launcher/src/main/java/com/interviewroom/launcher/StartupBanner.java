package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.wire.InternalPaths;
import java.util.Set;

/** Tells a person at the terminal where everything is. Never prints secrets or credentials. */
final class StartupBanner {
  private StartupBanner() {}

  static void print(RunningSystem running) {
    System.out.println(text(running.config(), running.embedded()));
  }

  /** What {@link #print} prints; {@code embedded} names the services started embedded. */
  static String text(Config c, Set<String> embedded) {
    String base = c.http().publicBaseUrl();
    // metrics are served on the internal listener only, never on the public one
    String internal = "http://" + c.http().internalHost() + ':' + c.http().internalPort();
    StringBuilder out =
        new StringBuilder()
            .append("\nInterviewRoom is running (role ")
            .append(c.role().name().toLowerCase())
            .append(")\n")
            .append("  web + API     ")
            .append(base)
            .append("\n")
            .append("  readiness     ")
            .append(base)
            .append("/health/ready\n")
            .append("  metrics       ")
            .append(internal)
            .append(InternalPaths.METRICS)
            .append("\n")
            .append("  internal API  ")
            .append(internal)
            .append("\n")
            .append("  data dir      ")
            .append(c.dataDir())
            .append("\n")
            .append("  postgres      ")
            .append(embedded.contains("postgres") ? "embedded" : "external")
            .append("\n")
            .append("  redis         ")
            .append(embedded.contains("redis") ? "embedded" : "external")
            .append("\n")
            .append("  s3            ")
            .append(embedded.contains("s3") ? "embedded" : "external")
            .append("\n")
            .append("  voice         ")
            .append(
                c.providers().openAiKey() == null && c.providers().geminiKey() == null
                    ? "local simulated interviewer (no provider keys)"
                    : "OpenAI Realtime / Gemini Live")
            .append("\n");
    return out.toString();
  }
}
