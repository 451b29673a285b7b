package com.interviewroom.architecture.violations.cycle.a;

import com.interviewroom.architecture.violations.cycle.b.Right;

/** One half of a package cycle. */
public final class Left {
  public Right right() {
    return new Right();
  }
}
