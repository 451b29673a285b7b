package com.interviewroom.sandbox;

import com.interviewroom.sandbox.harness.HarnessFiles;
import com.interviewroom.sandbox.isolation.Cgroups;
import com.interviewroom.sandbox.isolation.Limits;
import com.interviewroom.sandbox.isolation.ProcessOutcome;
import com.interviewroom.sandbox.isolation.RunCgroup;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.SandboxCommand;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import com.interviewroom.sandbox.isolation.Slot;
import com.interviewroom.sandbox.isolation.ZygoteProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Python zygote per slot ({@link ZygoteProcess}): Python runs fork from a warm interpreter
 * instead of starting a sandbox and an interpreter each. Only with cgroups (a run joins its cgroup
 * through the zygote); without them, or while a slot's zygote is down, Python runs use sandboxes of
 * their own as before, and a replacement zygote starts in the background.
 */
final class Zygotes {
  private static final Logger log = LoggerFactory.getLogger(Zygotes.class);

  /** What a zygote's sandbox is limited to (its own processes only; each run has its own). */
  private static final Limits OWN_LIMITS = Limits.interpreted();

  private final Optional<Runtime> python;
  private final Optional<Cgroups> cgroups;
  private final HarnessFiles harness;
  private final CurrentSlots slots;
  private final Map<Integer, Held> bySlot = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * Zygotes that could not take a run one after the other; past {@link #GIVE_UP_AFTER} this host
   * cannot run them (a kernel without {@code /proc/<pid>/task/<pid>/children}, say), and Python
   * runs use sandboxes of their own from then on instead of replacing zygotes forever.
   */
  private final java.util.concurrent.atomic.AtomicInteger failedInARow =
      new java.util.concurrent.atomic.AtomicInteger();

  private static final int GIVE_UP_AFTER = 5;
  private volatile boolean givenUp;

  /**
   * A slot's zygote, bound to that slot's uid and work dir, and its io dir (the runs' input and
   * output files).
   */
  private record Held(Slot slot, ZygoteProcess zygote, Path ioDir) {}

  Zygotes(
      Optional<Runtime> python,
      Optional<Cgroups> cgroups,
      HarnessFiles harness,
      CurrentSlots slots) {
    this.python = python;
    this.cgroups = cgroups;
    this.harness = harness;
    this.slots = slots;
  }

  /** Whether Python runs go through zygotes at all on this runner. */
  boolean enabled() {
    return python.isPresent() && cgroups.isPresent();
  }

  private boolean usable() {
    return enabled() && !givenUp;
  }

  /** Whether a run of this command is a zygote's: Python's boot command, in either mode. */
  boolean serves(LanguageProfile language, List<String> command) {
    return usable()
        && language == LanguageProfile.PYTHON
        && command.equals(language.prestartCommand(python.get()));
  }

  /**
   * Runs the program in the slot's zygote; empty when the slot has none ready (the caller then
   * starts a sandbox of its own, and a zygote is started for the next run).
   */
  Optional<ProcessOutcome> run(Slot slot, Limits limits, byte[] stdin) throws IOException {
    Held held = bySlot.get(slot.index());
    if (held == null || !held.slot().equals(slot) || !held.zygote().alive()) {
      SandboxThreads.WORK.execute(() -> start(slot));
      return Optional.empty();
    }
    try {
      ProcessOutcome outcome = held.zygote().run(held.ioDir(), slot.uid(), limits, stdin);
      failedInARow.set(0);
      return Optional.of(outcome);
    } catch (ZygoteProcess.Unavailable e) {
      log.warn("the zygote of slot {} could not take a run: {}", slot.index(), e.getMessage());
      if (failedInARow.incrementAndGet() >= GIVE_UP_AFTER && !givenUp) {
        givenUp = true;
        log.error(
            "Python zygotes failed {} times in a row; Python runs start sandboxes of their own from"
                + " now on (slower, as isolated)",
            GIVE_UP_AFTER);
        close();
        return Optional.empty();
      }
      replace(slot);
      return Optional.empty();
    } catch (IOException e) {
      replace(slot);
      throw e;
    }
  }

  /** Starts the slot's zygote unless it has a live one. Blocking. */
  void start(Slot slot) {
    if (!usable()) {
      return;
    }
    synchronized (this) {
      Held held = bySlot.get(slot.index());
      if (closed
          || !slots.isCurrent(slot)
          || held != null && held.slot().equals(slot) && held.zygote().alive()) {
        return;
      }
      if (held != null) {
        held.zygote().close();
      }
      try {
        Path ioDir = ioDir(slot);
        RunCgroup home = cgroups.get().create("zygote", OWN_LIMITS);
        Runtime runtime = python.get();
        List<String> argv =
            SandboxCommand.buildZygote(
                slot.uid(),
                OWN_LIMITS,
                runtime.readOnlyPaths(),
                harness.dir(),
                slot.workDir(),
                ioDir,
                home,
                harness.seccompFilter(),
                List.of(
                    runtime.executable().toString(),
                    "-I",
                    "-B",
                    SandboxCommand.HARNESS + "/zygote.py",
                    Long.toString(Limits.interpreted().tmpBytes()),
                    Integer.toString(slot.index())));
        bySlot.put(
            slot.index(),
            new Held(
                slot,
                ZygoteProcess.start(
                    argv,
                    home,
                    runtime.executable().toString(),
                    cgroups.get(),
                    LanguageProfile.PYTHON.limits()),
                ioDir));
      } catch (IOException | RuntimeException e) {
        bySlot.remove(slot.index());
        log.warn("could not start the Python zygote of slot {}: {}", slot.index(), e.toString());
      }
    }
  }

  /**
   * The slot's io dir, next to the harness (outside every work dir, which a run may fill): the
   * runner's, so a run can open the files made for it there but create, rename or remove none.
   */
  private Path ioDir(Slot slot) throws IOException {
    Path dir = harness.dir().resolveSibling("io").resolve("slot-" + slot.index());
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /** Closes the slot's zygote (its slot is being replaced, or it broke). */
  void discard(int slotIndex) {
    Held held = bySlot.remove(slotIndex);
    if (held != null) {
      held.zygote().close();
    }
  }

  private void replace(Slot slot) {
    discard(slot.index());
    SandboxThreads.WORK.execute(() -> start(slot));
  }

  /** Process ids of the zygotes' sandboxes (tests tell them apart from leftovers). */
  Set<Long> processIds() {
    Set<Long> pids = new HashSet<>();
    bySlot.values().forEach(held -> pids.addAll(held.zygote().processIds()));
    return pids;
  }

  void close() {
    closed = true;
    synchronized (this) {
      bySlot.values().forEach(held -> held.zygote().close());
      bySlot.clear();
    }
  }
}
