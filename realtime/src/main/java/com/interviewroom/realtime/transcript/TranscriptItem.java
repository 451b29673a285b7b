package com.interviewroom.realtime.transcript;

import java.time.Instant;
import java.util.UUID;

/**
 * One provider-neutral transcript item; a later version of the same (session, item) replaces the
 * earlier one.
 */
public record TranscriptItem(
    UUID sessionId, String itemId, String role, String text, Instant turnStartedAt) {}
