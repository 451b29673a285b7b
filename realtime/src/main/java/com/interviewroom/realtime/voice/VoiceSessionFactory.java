package com.interviewroom.realtime.voice;

import io.vertx.core.Future;

/**
 * Opens the voice side of a connection; fails (after retries) with {@code provider_unavailable}.
 */
@FunctionalInterface
public interface VoiceSessionFactory {
  Future<VoiceSession> open(InterviewContext context, ClientChannel client);
}
