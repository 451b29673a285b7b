package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.Processes;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import com.interviewroom.sandbox.isolation.Slot;
import com.interviewroom.sandbox.isolation.SlotPool;
import com.interviewroom.sandbox.isolation.UidRange;
import com.interviewroom.sandbox.isolation.WorkDirs;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clean-up after work in a slot: the slot goes back to the pool with an empty work dir, or,
 * when it cannot be emptied or its work is stuck, is replaced by a fresh one, never reused.
 */
final class SlotKeeper {
  private static final Logger log = LoggerFactory.getLogger(SlotKeeper.class);

  private final SlotPool pool;
  private final WorkDirs workDirs;
  private final CurrentSlots slots;
  private final PrestartedSandboxes prestarted;
  private final Zygotes zygotes;
  private final JavaCompiler compiler;
  private final UidRange uids;

  SlotKeeper(
      SlotPool pool,
      WorkDirs workDirs,
      CurrentSlots slots,
      PrestartedSandboxes prestarted,
      Zygotes zygotes,
      JavaCompiler compiler,
      UidRange uids) {
    this.pool = pool;
    this.workDirs = workDirs;
    this.slots = slots;
    this.prestarted = prestarted;
    this.zygotes = zygotes;
    this.compiler = compiler;
    this.uids = uids;
  }

  /**
   * Empties the slot's work dir and gives it back; a slot that cannot be emptied is replaced, never
   * reused.
   */
  void release(Slot slot) {
    try {
      WorkDirs.empty(slot.workDir());
    } catch (IOException | RuntimeException e) {
      log.error(
          "could not empty the work dir of slot {}; the slot is replaced: {}",
          slot.index(),
          e.toString());
      replace(slot);
      return;
    }
    pool.give(slot);
    SandboxThreads.WORK.execute(() -> prestarted.topUp(slot));
  }

  /**
   * Puts a fresh slot (new work dir, same uid) in place of one that is stuck or cannot be cleaned:
   * every process of the slot's uids is killed, its pre-started sandbox closed, its work dir
   * unmounted and removed as far as it can be.
   */
  void replace(Slot old) {
    prestarted.discard(old.index());
    zygotes.discard(old.index());
    Processes.killUid(old.uid());
    compiler.kill(old.index());
    Processes.killUid(uids.compilerUid(old.index()));
    Slot fresh;
    try {
      fresh = workDirs.replace(old);
    } catch (IOException | RuntimeException e) {
      log.error(
          "could not replace slot {}; the runner has one slot fewer: {}",
          old.index(),
          e.toString());
      return;
    }
    slots.set(old.index(), fresh);
    pool.give(fresh);
    prestarted.topUp(fresh);
    zygotes.start(fresh);
  }
}
