package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;

/** Tells a person at the terminal where everything is. Never prints secrets or credentials. */
final class StartupBanner {
  private StartupBanner() {}

  static void print(RunningSystem running) {
    Config c = running.config();
    String base = c.http().publicBaseUrl();
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
            .append(base)
            .append("/metrics\n")
            .append("  internal API  http://")
            .append(c.http().internalHost())
            .append(':')
            .append(c.http().internalPort())
            .append("\n")
            .append("  data dir      ")
            .append(c.dataDir())
            .append("\n")
            .append("  postgres      ")
            .append(running.embedded().contains("postgres") ? "embedded" : "external")
            .append("\n")
            .append("  redis         ")
            .append(running.embedded().contains("redis") ? "embedded" : "external")
            .append("\n")
            .append("  s3            ")
            .append(running.embedded().contains("s3") ? "embedded" : "external")
            .append("\n")
            .append("  voice         ")
            .append(
                c.providers().openAiKey() == null && c.providers().geminiKey() == null
                    ? "local simulated interviewer (no provider keys)"
                    : "OpenAI Realtime / Gemini Live")
            .append("\n");
    System.out.println(out);
  }
}
