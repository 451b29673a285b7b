package com.interviewroom.realtime.session;

import com.interviewroom.realtime.voice.InterviewContext.TranscriptLine;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A session admitted to the gateway: live, owned by the token's subject, with its problem and
 * deadline; {@code recordAudio} is the user's profile setting (recording on unless they turned it
 * off).
 */
public record LiveSession(
    UUID id,
    UUID userId,
    String status,
    boolean activatedNow,
    Instant deadline,
    String language,
    String problemTitle,
    String problemDescription,
    String difficulty,
    String experienceLevel,
    List<TranscriptLine> history,
    boolean recordAudio) {}
