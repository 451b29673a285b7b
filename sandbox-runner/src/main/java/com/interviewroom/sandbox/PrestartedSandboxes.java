package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.RunCgroup;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.SandboxProcess;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import com.interviewroom.sandbox.isolation.Slot;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes of one language (its profile has a boot header, so one process serves either mode)
 * started ahead of their requests, per slot. Each is bound to its slot's work dir, serves exactly
 * one run and is then torn down like any other. Their pipes are read by platform threads ({@link
 * SandboxThreads}), never by a virtual thread.
 */
final class PrestartedSandboxes {
  private static final Logger log = LoggerFactory.getLogger(PrestartedSandboxes.class);

  /**
   * Pre-started sandboxes per slot. Two, so that back-to-back requests never wait for one to start:
   * a sandbox takes longer to start (namespaces, mounts, the interpreter) than a short run takes.
   */
  static final int DEPTH = 2;

  /**
   * A slot's next sandbox, bound to that slot's work dir: completed once spawned (with null if it
   * could not be).
   */
  private record Warm(Slot slot, CompletableFuture<SandboxProcess.Started> started) {
    void closeWhenStarted() {
      started.thenAccept(
          sandbox -> {
            if (sandbox != null) {
              sandbox.close();
            }
          });
    }
  }

  private final LanguageProfile profile;
  private final Optional<Runtime> runtime;
  private final SandboxLauncher launcher;
  private final CurrentSlots slots;

  /** Per slot, the next sandboxes: each completed once spawned (with null if it could not be). */
  private final Map<Integer, Deque<Warm>> bySlot = new ConcurrentHashMap<>();

  private volatile boolean closed;

  /**
   * @param runtime the profile's runtime, when installed (nothing is pre-started without it)
   */
  PrestartedSandboxes(
      LanguageProfile profile,
      Optional<Runtime> runtime,
      SandboxLauncher launcher,
      CurrentSlots slots) {
    this.profile = profile;
    this.runtime = runtime;
    this.launcher = launcher;
    this.slots = slots;
  }

  /** Whether runs of this language take their sandbox from here. */
  boolean serves(LanguageProfile language) {
    return language == profile;
  }

  /**
   * The slot's pre-started sandbox, if one is started or starting and still alive. One that is
   * still starting is waited for: it began before this request, so it is ready before a new one.
   */
  SandboxProcess.Started take(Slot slot) {
    Deque<Warm> queue = bySlot.get(slot.index());
    Warm pending = queue == null ? null : queue.pollFirst();
    if (pending == null) {
      return null;
    }
    if (!pending.slot().equals(slot)) {
      pending.closeWhenStarted();
      return null;
    }
    SandboxProcess.Started warm = pending.started().join();
    if (warm != null && !warm.alive()) {
      warm.close();
      return null;
    }
    if (warm != null && !warm.cpuWeight(RunCgroup.NORMAL_SHARES)) {
      warm.close();
      return null;
    }
    return warm;
  }

  /**
   * Tops up the slot's pre-started sandboxes to {@link #DEPTH}: bwrap, namespaces and the
   * interpreter start while nobody waits; each then blocks on stdin. Each one serves exactly one
   * run.
   */
  void topUp(Slot slot) {
    if (runtime.isEmpty()) {
      return;
    }
    Deque<Warm> queue = bySlot.computeIfAbsent(slot.index(), i -> new ConcurrentLinkedDeque<>());
    while (true) {
      Warm mine = new Warm(slot, new CompletableFuture<>());
      synchronized (queue) {
        if (closed || !slots.isCurrent(slot) || queue.size() >= DEPTH) {
          return; // closing, a replaced slot, or the slot's next sandboxes are started or starting
        }
        queue.addLast(mine);
      }
      SandboxProcess.Started warm = null;
      try {
        warm =
            launcher.spawn(
                slot,
                runtime.get(),
                profile.limits(),
                profile.prestartCommand(runtime.get()),
                SandboxLauncher.PRESTART);
      } catch (java.io.IOException | RuntimeException e) {
        log.warn("could not pre-start a sandbox for slot {}: {}", slot.index(), e.toString());
      }
      mine.started().complete(warm);
      if (closed || !slots.isCurrent(slot) || warm == null) {
        queue.remove(mine);
        if (warm != null) {
          warm.close(); // close() or discard() may have closed it too: closing twice is harmless
        }
        return;
      }
    }
  }

  /** Closes the slot's pre-started sandboxes (its slot is being replaced). */
  void discard(int slotIndex) {
    Deque<Warm> warm = bySlot.remove(slotIndex);
    if (warm != null) {
      warm.forEach(Warm::closeWhenStarted);
    }
  }

  /** Process ids of the pre-started sandboxes (tests tell them apart from leftovers). */
  Set<Long> processIds() {
    Set<Long> pids = new HashSet<>();
    bySlot
        .values()
        .forEach(
            queue ->
                queue.forEach(
                    pending -> {
                      SandboxProcess.Started warm = pending.started().getNow(null);
                      if (warm != null) {
                        pids.addAll(warm.processIds());
                      }
                    }));
    return pids;
  }

  void close() {
    closed = true;
    // One still starting is closed by topUp itself once it sees closed.
    bySlot.values().forEach(queue -> queue.forEach(Warm::closeWhenStarted));
    bySlot.clear();
  }
}
