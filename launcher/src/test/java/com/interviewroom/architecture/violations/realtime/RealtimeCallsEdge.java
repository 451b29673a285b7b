package com.interviewroom.architecture.violations.realtime;

import com.interviewroom.architecture.violations.edge.web.EdgeHelper;

/** A realtime class that reaches into the edge. */
public final class RealtimeCallsEdge {
  public String peek() {
    return new EdgeHelper().name();
  }
}
