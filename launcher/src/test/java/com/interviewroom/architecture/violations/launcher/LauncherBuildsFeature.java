package com.interviewroom.architecture.violations.launcher;

import com.interviewroom.architecture.violations.edge.feature.EdgeCallsRealtime;

/** A launcher that wires an edge feature itself instead of going through the edge's entry point. */
public final class LauncherBuildsFeature {
  public Object start() {
    return new EdgeCallsRealtime();
  }
}
