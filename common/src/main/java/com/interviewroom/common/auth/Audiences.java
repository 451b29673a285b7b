package com.interviewroom.common.auth;

/** Each kind of token has its own audience, so one can never be used in place of another. */
public final class Audiences {
  private Audiences() {}

  public static final String API = "interviewroom-api";
  public static final String REALTIME = "interviewroom-realtime";
}
