package com.interviewroom.sandbox;

import com.interviewroom.sandbox.harness.HarnessFiles;
import com.interviewroom.sandbox.isolation.Cgroups;
import com.interviewroom.sandbox.isolation.Leftovers;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.Runtimes;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import com.interviewroom.sandbox.isolation.Slot;
import com.interviewroom.sandbox.isolation.SlotPool;
import com.interviewroom.sandbox.isolation.UidRange;
import com.interviewroom.sandbox.isolation.WorkDirs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs candidate code: admits a request to a slot (executions before observer compiles), runs it
 * there as {@link RunSteps} under the {@link Watchdog}, and gives the slot back clean ({@link
 * SlotKeeper}). Sets the runner up and tears it down. Every public method blocks: call it from a
 * worker or virtual thread, never an event loop.
 */
public final class SandboxService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SandboxService.class);

  /** How long an observer compile may wait for its turn in the lane before it is refused. */
  static final Duration OBSERVER_WAIT = Duration.ofSeconds(30);

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Runtimes runtimes;
  private final Optional<Cgroups> cgroups;
  private final WorkDirs workDirs;
  private final HarnessFiles harness;
  private final SlotPool pool;
  private final UidRange uids;
  private final CurrentSlots slots;
  private final SandboxLauncher launcher;
  private final PrestartedSandboxes prestarted;
  private final Zygotes zygotes;
  private final JavaCompiler compiler;
  private final Watchdog watchdog;
  private final ObserverLane observers;

  /** The last admissions to a slot, oldest first: "run" or "check" (tests read the order). */
  private final ArrayDeque<String> admissions = new ArrayDeque<>();

  private SandboxService(
      Runtimes runtimes,
      Optional<Cgroups> cgroups,
      WorkDirs workDirs,
      HarnessFiles harness,
      List<Slot> slots,
      int queue,
      UidRange uids) {
    this.uids = uids;
    this.runtimes = runtimes;
    this.cgroups = cgroups;
    this.workDirs = workDirs;
    this.harness = harness;
    this.pool = new SlotPool(slots, queue);
    this.slots = new CurrentSlots(slots);
    this.observers = ObserverLane.forSlots(slots.size());
    this.launcher = new SandboxLauncher(cgroups, harness);
    this.zygotes =
        new Zygotes(runtimes.get(LanguageProfile.PYTHON.wireName()), cgroups, harness, this.slots);
    // Java's harness, and Python (its boot header lets one waiting process serve either mode)
    // where it has no zygotes.
    this.prestarted =
        new PrestartedSandboxes(
            PrestartedSandboxes.installed(
                profile ->
                    profile == LanguageProfile.PYTHON && zygotes.enabled()
                        ? Optional.empty()
                        : runtimes.get(profile.wireName())),
            launcher,
            this.slots);
    this.compiler =
        new JavaCompiler(
            runtimes.get(LanguageProfile.JAVA.wireName()), harness, cgroups, uids, slots);
    this.watchdog =
        new Watchdog(
            new SlotKeeper(pool, workDirs, this.slots, prestarted, zygotes, compiler, uids));
  }

  /**
   * Blocking: detects runtimes, creates cgroups, slot work dirs and the harness directory.
   *
   * @param requireCgroups refuse to start when the cgroups cannot be created (see {@link #cgroups})
   */
  public static SandboxService start(int slots, int queue, boolean requireCgroups)
      throws IOException, InterruptedException {
    // Unique per service, not just per process: tests and benchmarks may run several in one JVM.
    String name =
        Leftovers.PREFIX + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
    Path tmpDir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    Leftovers.sweep(
        tmpDir); // a runner killed before it could clean up: its cgroups (and processes), mounts
    // and files
    Path root = tmpDir.resolve(name);
    Runtimes runtimes = Runtimes.detect();
    UidRange uids = UidRange.claim(tmpDir);
    try {
      Optional<Cgroups> cgroups = cgroups(() -> Cgroups.open(name), requireCgroups);
      WorkDirs workDirs = new WorkDirs(root.resolve("slots"));
      List<Slot> created = workDirs.createSlots(slots, uids.first());
      HarnessFiles harness = HarnessFiles.install(root.resolve("harness"), runtimes.get("java"));
      return new SandboxService(runtimes, cgroups, workDirs, harness, created, queue, uids);
    } catch (IOException | RuntimeException e) {
      uids.close();
      throw e;
    }
  }

  /** Opens a {@link Cgroups}, throwing what it threw when it cannot. */
  interface CgroupOpener {
    Cgroups open() throws IOException;
  }

  /**
   * The runner's cgroups. Without them runs lose their memory, CPU and pids limits, so when they
   * cannot be created the runner refuses to start unless told it may (ROLE=sandbox requires them
   * unless {@code SANDBOX_CGROUPS=optional}); otherwise it warns and runs with rlimits alone.
   */
  static Optional<Cgroups> cgroups(CgroupOpener opener, boolean required) {
    try {
      return Optional.of(opener.open());
    } catch (IOException | RuntimeException e) {
      if (required) {
        throw new IllegalStateException(
            "The sandbox runner cannot create its cgroups ("
                + e.getMessage()
                + "), so runs would have no"
                + " memory, CPU or process-count limits. Run it as root on a host with cgroup v1 memory, pids and cpu hierarchies,"
                + " or set SANDBOX_CGROUPS=optional to run with rlimits only.",
            e);
      }
      log.warn(
          "cgroups not usable, runs are limited by rlimits only (SANDBOX_CGROUPS=optional): {}",
          e.toString());
      return Optional.empty();
    }
  }

  /** Starts the warm compilers; blocking, so run it off the event loop. */
  public void warmUp() {
    slots.all().forEach(zygotes::start);
    slots.all().forEach(prestarted::topUp);
    compiler.warmUp();
  }

  /**
   * The directory holding the slot work dirs ({@code slots/slot-N}) and the harness; its name also
   * names our cgroups.
   */
  public Path rootDir() {
    return harness.dir().getParent();
  }

  /** The first host uid of this runner's block (slots from here, compilers from here + 100). */
  public int firstUid() {
    return uids.first();
  }

  /** The unprivileged host uid of each slot, in slot order. */
  public List<Integer> slotUids() {
    return slots.all().stream().map(Slot::uid).toList();
  }

  /** The current work dir of each slot, in slot order (a replaced slot has a new one). */
  public List<Path> slotWorkDirs() {
    return slots.all().stream().map(Slot::workDir).toList();
  }

  public SlotPool pool() {
    return pool;
  }

  public Runtimes runtimes() {
    return runtimes;
  }

  public boolean cgroupsEnabled() {
    return cgroups.isPresent();
  }

  public boolean workDirsSizeCapped() {
    return workDirs.sizeCapped();
  }

  public RunResult run(RunRequest request) throws InterruptedException {
    long started = System.nanoTime();
    try {
      return onSlot(Watchdog.budget(request), false, slot -> runIn(slot, request));
    } catch (IOException | RuntimeException e) {
      log.error("run failed", e);
      return RunResult.failed(
          Verdict.INTERNAL_ERROR, "", (System.nanoTime() - started) / 1_000_000, null);
    }
  }

  /**
   * A syntax check at execution priority (no observer rules); the observer's go through {@link
   * #observe}.
   */
  public CheckResult check(Language language, String code)
      throws InterruptedException, IOException {
    LanguageProfile profile = LanguageProfile.of(language);
    return onSlot(
        Watchdog.checkBudget(profile), false, slot -> checkIn(slot, profile, code, false));
  }

  /**
   * The code observer's syntax check of a sampled edit: admitted by the {@link ObserverLane} (per
   * session, per user, a few at once), given a slot only when no execution waits for one, and run
   * at a low CPU weight. Blocks while it waits for its turn.
   *
   * @throws ObserverLane.Refused over a session's or user's limit, replaced by a newer edit, or the
   *     lane full
   */
  public CheckResult observe(Language language, String code, String session, String user)
      throws InterruptedException, IOException {
    LanguageProfile profile = LanguageProfile.of(language);
    ObserverLane.Ticket ticket = observers.enter(session, user);
    try {
      ticket.turn().get(OBSERVER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return onSlot(
          Watchdog.checkBudget(profile), true, slot -> checkIn(slot, profile, code, true));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ObserverLane.Refused refused) {
        throw refused;
      }
      throw new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new ObserverLane.Refused(
          503, "sandbox_busy", "Observer compiles waited too long for their turn.");
    } finally {
      ticket.close();
    }
  }

  public ObserverLane observers() {
    return observers;
  }

  /**
   * The last admissions to a slot, oldest first: {@code run} (executions) or {@code check} (syntax
   * checks).
   */
  public List<String> recentAdmissions() {
    synchronized (admissions) {
      return List.copyOf(admissions);
    }
  }

  /**
   * Takes a slot (after every waiting execution when {@code background}) and does {@code work} in
   * it on a platform thread under the {@link Watchdog}, waiting at most {@code budget}.
   */
  <T> T onSlot(Duration budget, boolean background, SlotWork<T> work)
      throws InterruptedException, IOException {
    Slot slot = background ? pool.takeBackground() : pool.take();
    synchronized (admissions) {
      if (admissions.size() == 64) {
        admissions.removeFirst();
      }
      admissions.addLast(background ? "check" : "run");
    }
    return watchdog.run(slot, budget, work);
  }

  /** Requests the watchdog failed since start. */
  public long watchdogKills() {
    return watchdog.kills();
  }

  private RunResult runIn(Slot slot, RunRequest request) throws IOException {
    LanguageProfile profile = LanguageProfile.of(request.language());
    RunContext run =
        new RunContext(slot, runtime(profile), profile, request, launcher, prestarted, zygotes);
    return new RunSteps(run, compiler).run();
  }

  private CheckResult checkIn(Slot slot, LanguageProfile profile, String code, boolean background)
      throws IOException {
    return profile.compiled()
        ? compiler.check(slot, code, background)
        : SyntaxCheck.interpreted(
            profile, runtime(profile), slot, harness, code, cgroups, background);
  }

  private Runtime runtime(LanguageProfile profile) throws IOException {
    return runtimes
        .get(profile.wireName())
        .orElseThrow(
            () -> new IOException(profile.wireName() + " is not installed on this runner"));
  }

  /** Process ids of the pre-started sandboxes (tests tell them apart from leftovers). */
  public Set<Long> warmProcessIds() {
    Set<Long> pids = new java.util.HashSet<>(prestarted.processIds());
    pids.addAll(zygotes.processIds());
    return pids;
  }

  @Override
  public void close() {
    zygotes.close();
    prestarted.close();
    compiler.close();
    workDirs.close();
    SandboxThreads
        .awaitReaped(); // the runs' cgroups first: a parent with children cannot be removed
    cgroups.ifPresent(Cgroups::close);
    try {
      WorkDirs.deleteTree(harness.dir().getParent());
    } catch (IOException e) {
      log.warn("could not remove {}: {}", harness.dir().getParent(), e.toString());
    }
    uids.close();
  }
}
