package com.interviewroom.sandbox.isolation;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most {@code slots} runs at once and at most {@code queue} waiting; anything beyond is refused
 * at once ({@link #tryEnter()} is false) so the caller answers 503 instead of building a backlog.
 *
 * <p>Two priorities: a freed slot goes to a waiting execution ({@link #take()}) whenever there is
 * one, and only otherwise to a waiting background task such as an observer's compile ({@link
 * #takeBackground()}), however long that one has waited.
 */
public final class SlotPool {
  private final ArrayDeque<Slot> free;
  private final int capacity;
  private final AtomicInteger admitted = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private int waitingExecutions;

  public SlotPool(List<Slot> slots, int queue) {
    this.free = new ArrayDeque<>(slots);
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

  /** Blocks a worker thread (never an event loop) until a slot is free; executions go first. */
  public Slot take() throws InterruptedException {
    lock.lock();
    try {
      waitingExecutions++;
      try {
        while (free.isEmpty()) {
          freed.await();
        }
        return free.poll();
      } finally {
        waitingExecutions--;
        if (!free.isEmpty()) {
          freed.signalAll(); // a background task may take what is left
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Blocks until a slot is free and no execution is waiting for one. */
  public Slot takeBackground() throws InterruptedException {
    lock.lock();
    try {
      while (free.isEmpty() || waitingExecutions > 0) {
        freed.await();
      }
      return free.poll();
    } finally {
      lock.unlock();
    }
  }

  public void give(Slot slot) {
    lock.lock();
    try {
      free.add(slot);
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Slots not taken right now. */
  public int freeSlots() {
    lock.lock();
    try {
      return free.size();
    } finally {
      lock.unlock();
    }
  }

  /** Executions waiting for a slot right now. */
  public int waitingExecutions() {
    lock.lock();
    try {
      return waitingExecutions;
    } finally {
      lock.unlock();
    }
  }

  public int admitted() {
    return admitted.get();
  }
}
