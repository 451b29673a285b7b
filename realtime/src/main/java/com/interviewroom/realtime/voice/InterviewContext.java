package com.interviewroom.realtime.voice;

import java.util.List;
import java.util.UUID;

/** What the interviewer knows when a conversation starts (or resumes after failover). */
public record InterviewContext(
    UUID sessionId,
    UUID userId,
    String problemTitle,
    String problemDescription,
    String difficulty,
    String language,
    String experienceLevel,
    long remainingMs,
    List<TranscriptLine> history) {

  /** A line of the conversation so far, for restoring context after a reconnect or failover. */
  public record TranscriptLine(String role, String itemId, String text) {}
}
