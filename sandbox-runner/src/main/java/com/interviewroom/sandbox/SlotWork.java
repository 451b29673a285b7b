package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.Slot;
import java.io.IOException;

/** Work done in one slot on one of the runner's platform threads. */
interface SlotWork<T> {
  T apply(Slot slot) throws IOException, InterruptedException;
}
