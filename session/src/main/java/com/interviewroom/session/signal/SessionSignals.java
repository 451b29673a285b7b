package com.interviewroom.session.signal;

import java.util.UUID;

/**
 * Redis pub/sub channels that reach whichever node holds a session's WebSocket. In-memory maps
 * alone never carry cross-node signals.
 *
 * <ul>
 *   <li>{@link #control(UUID)}: JSON {@code {"type":"end","reason":"..."}} ends the session's socket;
 *       {@code {"type":"replaced","connectionId":"..."}} closes an older socket when a newer one connects.</li>
 *   <li>{@link #context(UUID)}: JSON {@code {"kind":"CODE_OBSERVATION|EXECUTION_RESULT|TIME_WARNING","text":"...",
 *       "payload":{...}}} for the live interviewer and, for execution results, the candidate's socket.</li>
 * </ul>
 */
public final class SessionSignals {
  private SessionSignals() {}

  public static String control(UUID sessionId) {
    return "session-control:" + sessionId;
  }

  public static String context(UUID sessionId) {
    return "session-context:" + sessionId;
  }
}
