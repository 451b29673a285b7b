package com.interviewroom.architecture.violations.edge.web;

/** An edge class that realtime should not know about. */
public final class EdgeHelper {
  public String name() {
    return "edge";
  }
}
