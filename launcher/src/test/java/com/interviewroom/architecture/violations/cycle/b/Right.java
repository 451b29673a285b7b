package com.interviewroom.architecture.violations.cycle.b;

import com.interviewroom.architecture.violations.cycle.a.Left;

/** The other half of a package cycle. */
public final class Right {
  public Left left() {
    return new Left();
  }
}
