package com.interviewroom.edge.session;

import java.util.regex.Pattern;

/**
 * A validated {@code POST /api/sessions/start} body: a problem by slug, or a random one by filters,
 * and optionally the group the session counts towards in {@code GET /api/progress}.
 */
public record StartRequest(
    String problemSlug, String difficulty, String category, String language, String groupId) {
  /**
   * A group id: an opaque label of the client's choosing (the same CHECK is on {@code
   * sessions.group_id}).
   */
  public static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public static final String GROUP_ID_RULE =
      "must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit";
}
