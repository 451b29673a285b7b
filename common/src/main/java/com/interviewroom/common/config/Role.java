package com.interviewroom.common.config;

/** Which parts one process deploys ({@code ROLE}). */
public enum Role {
  ALL,
  EDGE,
  REALTIME,
  WORKER,
  SANDBOX;

  public boolean runs(Role part) {
    return this == ALL || this == part;
  }
}
