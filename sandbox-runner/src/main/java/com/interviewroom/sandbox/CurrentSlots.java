package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.Slot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The current slot of each index (a replaced slot gets a new work dir). */
final class CurrentSlots {
  private final AtomicReferenceArray<Slot> slots;

  CurrentSlots(List<Slot> initial) {
    this.slots = new AtomicReferenceArray<>(initial.toArray(Slot[]::new));
  }

  /** False for a slot that has been replaced since it was taken. */
  boolean isCurrent(Slot slot) {
    return slot.equals(slots.get(slot.index()));
  }

  void set(int index, Slot slot) {
    slots.set(index, slot);
  }

  /** In slot order. */
  List<Slot> all() {
    List<Slot> current = new ArrayList<>();
    for (int i = 0; i < slots.length(); i++) {
      current.add(slots.get(i));
    }
    return current;
  }
}
