package com.interviewroom.realtime.voice;

/** Context injected into a live conversation, phrased for natural use ("I notice..."). */
public record ContextNote(Kind kind, String text) {
  public enum Kind { CODE_OBSERVATION, EXECUTION_RESULT, TIME_WARNING }
}
