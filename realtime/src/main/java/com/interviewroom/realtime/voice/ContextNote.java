package com.interviewroom.realtime.voice;

/**
 * Context injected into a live conversation. Observations, results and warnings are phrased for
 * natural use ("I notice...") and the interviewer may react to them; a {@code CODE_SNAPSHOT} is the
 * candidate's current code, silent context that asks for no answer (the bridge sends only the
 * latest one, at most every {@link BridgedVoiceSession#CODE_REFRESH_MS}).
 */
public record ContextNote(Kind kind, String text) {
  public enum Kind {
    CODE_OBSERVATION,
    EXECUTION_RESULT,
    TIME_WARNING,
    CODE_SNAPSHOT
  }

  /** Context only: the interviewer should know it, not answer it. */
  public boolean silent() {
    return kind == Kind.CODE_SNAPSHOT;
  }
}
