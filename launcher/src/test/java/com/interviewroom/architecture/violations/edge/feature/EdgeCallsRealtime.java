package com.interviewroom.architecture.violations.edge.feature;

import com.interviewroom.architecture.violations.realtime.RealtimeCallsEdge;

/** An edge feature that reaches into realtime. */
public final class EdgeCallsRealtime {
  public String peek() {
    return RealtimeCallsEdge.class.getName();
  }
}
