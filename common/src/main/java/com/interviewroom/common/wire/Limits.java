package com.interviewroom.common.wire;

/** Size limits that more than one module enforces on the same data. */
public final class Limits {
  /** A code snapshot or run: 50 KB of UTF-8, the {@code code_snapshots.code} CHECK. */
  public static final int MAX_CODE_BYTES = 51_200;

  /**
   * The same number counted in UTF-16 chars, where the text is checked before (or without) encoding
   * it: a cheap first cap that is never tighter than {@link #MAX_CODE_BYTES}.
   */
  public static final int MAX_CODE_CHARS = MAX_CODE_BYTES;

  private Limits() {}
}
