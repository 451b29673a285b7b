package com.interviewroom.sandbox.isolation;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code slots} runs at once and at most {@code queue} waiting; anything beyond is refused at
 * once ({@link #tryEnter()} is false) so the caller answers 503 instead of building a backlog.
 */
public final class SlotPool {
  private final BlockingQueue<Slot> free;
  private final int capacity;
  private final AtomicInteger admitted = new AtomicInteger();

  public SlotPool(List<Slot> slots, int queue) {
    this.free = new ArrayBlockingQueue<>(slots.size(), false, slots);
    this.capacity = slots.size() + queue;
  }

  /** Reserves a place (running or queued); pair every true with {@link #leave()}. */
  public boolean tryEnter() {
    while (true) {
      int current = admitted.get();
      if (current >= capacity) {
        return false;
      }
      if (admitted.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public void leave() {
    admitted.decrementAndGet();
  }

  /** Blocks a worker thread (never an event loop) until a slot is free. */
  public Slot take() throws InterruptedException {
    return free.take();
  }

  public void give(Slot slot) {
    free.add(slot);
  }

  /** Slots not taken right now. */
  public int freeSlots() {
    return free.size();
  }

  public int admitted() {
    return admitted.get();
  }
}
