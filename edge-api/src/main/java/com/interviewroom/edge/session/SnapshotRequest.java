package com.interviewroom.edge.session;

import com.interviewroom.common.wire.Limits;
import java.util.List;

/** A validated {@code POST /api/sessions/{id}/code} body. */
public record SnapshotRequest(String code, String language, String snapshotType, Long timestampMs) {
  public static final List<String> TYPES = List.of("auto", "manual", "execution", "final");

  /** The same cap as the {@code code_snapshots.code} CHECK: 50 KB of UTF-8. */
  public static final int MAX_CODE_BYTES = Limits.MAX_CODE_BYTES;
}
