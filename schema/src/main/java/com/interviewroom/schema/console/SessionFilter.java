package com.interviewroom.schema.console;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The operators' session list filters (all optional but the range) and its keyset cursor: the
 * {@code created_at} and id of the last row of the previous page.
 */
public record SessionFilter(
    OffsetDateTime from,
    OffsetDateTime to,
    int healthMin,
    int healthMax,
    Boolean hasFailures,
    String provider,
    String status,
    int limit,
    OffsetDateTime afterCreatedAt,
    UUID afterId) {
  public static final java.util.List<String> PROVIDERS =
      java.util.List.of("openai", "gemini", "local", "none");
  public static final java.util.List<String> STATUSES =
      java.util.List.of("scheduled", "active", "completed", "abandoned", "errored");
}
