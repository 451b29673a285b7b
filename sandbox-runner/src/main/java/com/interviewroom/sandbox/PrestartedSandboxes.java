package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.RunCgroup;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.SandboxProcess;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import com.interviewroom.sandbox.isolation.Slot;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes started ahead of their requests, per slot and language: each runs its language's {@link
 * LanguageProfile#prestartCommand} and serves only a run of exactly that command (Python's boot
 * header lets one command serve either mode; Java's pre-started JVM is the harness). Each is bound
 * to its slot's work dir, serves exactly one run and is then torn down like any other. Their pipes
 * are read by platform threads ({@link SandboxThreads}), never by a virtual thread.
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

  /** Which slot's sandboxes of which language. */
  private record Key(Language language, int slot) {}

  /** The pre-started languages and their runtimes (a language without one is never pre-started). */
  private final Map<LanguageProfile, Runtime> languages;

  private final SandboxLauncher launcher;
  private final CurrentSlots slots;

  /**
   * Per slot and language, the next sandboxes: each completed once spawned (with null if it could
   * not be).
   */
  private final Map<Key, Deque<Warm>> queues = new ConcurrentHashMap<>();

  private volatile boolean closed;

  /**
   * @param runtimes the installed runtime of each language whose profile is pre-started
   */
  PrestartedSandboxes(
      Map<LanguageProfile, Runtime> runtimes, SandboxLauncher launcher, CurrentSlots slots) {
    this.languages = Map.copyOf(runtimes);
    this.launcher = launcher;
    this.slots = slots;
  }

  /** The pre-started languages among the profiles, with their runtimes where installed. */
  static Map<LanguageProfile, Runtime> installed(
      java.util.function.Function<LanguageProfile, Optional<Runtime>> runtimes) {
    Map<LanguageProfile, Runtime> installed = new java.util.HashMap<>();
    LanguageProfile.ALL.stream()
        .filter(LanguageProfile::prestarted)
        .forEach(profile -> runtimes.apply(profile).ifPresent(r -> installed.put(profile, r)));
    return installed;
  }

  /**
   * Whether a run of this command takes its sandbox from here: only the exact command the
   * language's sandboxes were started with.
   */
  boolean serves(LanguageProfile language, List<String> command) {
    Runtime runtime = languages.get(language);
    return runtime != null && command.equals(language.prestartCommand(runtime));
  }

  /**
   * The slot's pre-started sandbox of the language, if one is started or starting and still alive.
   * One that is still starting is waited for: it began before this request, so it is ready before a
   * new one.
   */
  SandboxProcess.Started take(LanguageProfile language, Slot slot) {
    Deque<Warm> queue = queues.get(new Key(language.language(), slot.index()));
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

  /** Tops up the slot's pre-started sandboxes of every pre-started language. */
  void topUp(Slot slot) {
    languages.keySet().stream()
        .sorted(java.util.Comparator.comparing(LanguageProfile::language))
        .forEach(language -> topUp(language, slot));
  }

  /**
   * Tops up the slot's pre-started sandboxes of one language to {@link #DEPTH}: bwrap, namespaces
   * and the interpreter start while nobody waits; each then blocks on stdin. Each one serves
   * exactly one run.
   */
  void topUp(LanguageProfile language, Slot slot) {
    Runtime runtime = languages.get(language);
    if (runtime == null) {
      return;
    }
    Deque<Warm> queue =
        queues.computeIfAbsent(
            new Key(language.language(), slot.index()), k -> new ConcurrentLinkedDeque<>());
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
                runtime,
                language.limits(),
                language.prestartCommand(runtime),
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
    queues
        .keySet()
        .removeIf(
            key -> {
              if (key.slot() != slotIndex) {
                return false;
              }
              Deque<Warm> warm = queues.get(key);
              if (warm != null) {
                warm.forEach(Warm::closeWhenStarted);
              }
              return true;
            });
  }

  /** Process ids of the pre-started sandboxes (tests tell them apart from leftovers). */
  Set<Long> processIds() {
    Set<Long> pids = new HashSet<>();
    queues
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
    queues.values().forEach(queue -> queue.forEach(Warm::closeWhenStarted));
    queues.clear();
  }
}
