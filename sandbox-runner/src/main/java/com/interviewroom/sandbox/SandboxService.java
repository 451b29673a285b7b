package com.interviewroom.sandbox;

import com.interviewroom.sandbox.harness.Diagnostic;
import com.interviewroom.sandbox.RunResult.TestResult;
import com.interviewroom.sandbox.compare.CompareMode;
import com.interviewroom.sandbox.compare.JsonComparator;
import com.interviewroom.sandbox.compare.TextComparator;
import com.interviewroom.sandbox.harness.CompileOutcome;
import com.interviewroom.sandbox.harness.CompileServerClient;
import com.interviewroom.sandbox.harness.HarnessFiles;
import com.interviewroom.sandbox.harness.HarnessRecord;
import com.interviewroom.sandbox.harness.OutputText;
import com.interviewroom.sandbox.harness.ResultChannel;
import com.interviewroom.sandbox.isolation.Cgroups;
import com.interviewroom.sandbox.isolation.Leftovers;
import com.interviewroom.sandbox.isolation.Limits;
import com.interviewroom.sandbox.isolation.Processes;
import com.interviewroom.sandbox.isolation.ProcessOutcome;
import com.interviewroom.sandbox.isolation.RunCgroup;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.Runtimes;
import com.interviewroom.sandbox.isolation.SandboxCommand;
import com.interviewroom.sandbox.isolation.SandboxProcess;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import com.interviewroom.sandbox.isolation.Slot;
import com.interviewroom.sandbox.isolation.SlotPool;
import com.interviewroom.sandbox.isolation.UidRange;
import com.interviewroom.sandbox.isolation.WorkDirs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs candidate code: takes a slot, prepares its work directory, compiles (Java) in the warm
 * compiler sandbox, runs the program or the harness in a fresh sandbox, reads the side channel,
 * compares in the runner and redacts hidden tests. Every public method blocks: call it from a worker
 * or virtual thread, never an event loop.
 */
public final class SandboxService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SandboxService.class);
  /** The harness's promise that java.util.* is imported; on line 1 so the candidate's line numbers hold. */
  static final String JAVA_PREFIX = "import java.util.*;import java.util.function.*;import java.util.stream.*;";
  private static final int MAX_RESULTS_BYTES = 8 << 20;
  /** Beyond the sum of a request's own limits, how long the watchdog waits before failing it. */
  static final Duration WATCHDOG_MARGIN = Duration.ofSeconds(5);
  /** How long killing a timed-out sandbox may take (see {@link SandboxProcess#killTree}). */
  private static final Duration KILL_GRACE = Duration.ofSeconds(3);
  /** The exit code reported when only hidden tests ran: theirs is not shown (it could carry a hidden input). */
  static final int HIDDEN_EXIT_CODE = -1;
  private static final Pattern PUBLIC_CLASS = Pattern.compile("public\\s+(?:final\\s+|abstract\\s+)*class\\s+([A-Za-z_$][A-Za-z0-9_$]*)");

  private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

  private final Runtimes runtimes;
  private final Optional<Cgroups> cgroups;
  private final WorkDirs workDirs;
  private final HarnessFiles harness;
  private final SlotPool pool;
  private final UidRange uids;
  private final Map<Integer, CompileServerClient> compilers = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();
  /** Per slot, the next Python sandbox: completed once spawned (with null if it could not be). */
  private final Map<Integer, java.util.Deque<Warm>> warmPython = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * Pre-started Python sandboxes per slot. Two, so that back-to-back requests never wait for one to
   * start: a sandbox takes longer to start (namespaces, mounts, the interpreter) than a short run takes.
   */
  static final int WARM_DEPTH = 2;

  /** A slot's next Python sandbox, bound to that slot's work dir: completed once spawned (with null if it could not be). */
  private record Warm(Slot slot, CompletableFuture<SandboxProcess.Started> started) {
    void closeWhenStarted() {
      started.thenAccept(sandbox -> {
        if (sandbox != null) {
          sandbox.close();
        }
      });
    }
  }
  /** The current slot of each index (a replaced slot gets a new work dir). */
  private final AtomicReferenceArray<Slot> slots;
  private final AtomicLong watchdogKills = new AtomicLong();
  private final ObserverLane observers;
  /** The last admissions to a slot, oldest first: "run" or "check" (tests read the order). */
  private final java.util.ArrayDeque<String> admissions = new java.util.ArrayDeque<>();
  private volatile boolean closed;

  private SandboxService(Runtimes runtimes, Optional<Cgroups> cgroups, WorkDirs workDirs, HarnessFiles harness,
                         List<Slot> slots, int queue, UidRange uids) {
    this.uids = uids;
    this.runtimes = runtimes;
    this.cgroups = cgroups;
    this.workDirs = workDirs;
    this.harness = harness;
    this.pool = new SlotPool(slots, queue);
    this.slots = new AtomicReferenceArray<>(slots.toArray(Slot[]::new));
    this.observers = ObserverLane.forSlots(slots.size());
    runtimes.get("java").ifPresent(java -> slots.forEach(slot -> compilers.put(slot.index(),
        new CompileServerClient(java, harness, cgroups, uids.compilerUid(slot.index())))));
  }

  /**
   * Blocking: detects runtimes, creates cgroups, slot work dirs and the harness directory.
   *
   * @param requireCgroups refuse to start when the cgroups cannot be created (see {@link #cgroups})
   */
  public static SandboxService start(int slots, int queue, boolean requireCgroups) throws IOException, InterruptedException {
    // Unique per service, not just per process: tests and benchmarks may run several in one JVM.
    String name = Leftovers.PREFIX + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
    Path tmpDir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    Leftovers.sweep(tmpDir); // a runner killed before it could clean up: its cgroups (and processes), mounts and files
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
        throw new IllegalStateException("The sandbox runner cannot create its cgroups (" + e.getMessage() + "), so runs would have no"
            + " memory, CPU or process-count limits. Run it as root on a host with cgroup v1 memory, pids and cpu hierarchies,"
            + " or set SANDBOX_CGROUPS=optional to run with rlimits only.", e);
      }
      log.warn("cgroups not usable, runs are limited by rlimits only (SANDBOX_CGROUPS=optional): {}", e.toString());
      return Optional.empty();
    }
  }

  /** Starts the warm compilers; blocking, so run it off the event loop. */
  public void warmUp() {
    currentSlots().forEach(this::prewarm);
    compilers.values().forEach(compiler -> {
      try {
        compiler.warmUp();
      } catch (IOException e) {
        log.warn("compiler warm-up failed: {}", e.toString());
      }
    });
  }

  /** The directory holding the slot work dirs ({@code slots/slot-N}) and the harness; its name also names our cgroups. */
  public Path rootDir() {
    return harness.dir().getParent();
  }

  /** The first host uid of this runner's block (slots from here, compilers from here + 100). */
  public int firstUid() {
    return uids.first();
  }

  /** The unprivileged host uid of each slot, in slot order. */
  public List<Integer> slotUids() {
    return currentSlots().stream().map(Slot::uid).toList();
  }

  /** The current work dir of each slot, in slot order (a replaced slot has a new one). */
  public List<Path> slotWorkDirs() {
    return currentSlots().stream().map(Slot::workDir).toList();
  }

  private List<Slot> currentSlots() {
    List<Slot> current = new ArrayList<>();
    for (int i = 0; i < slots.length(); i++) {
      current.add(slots.get(i));
    }
    return current;
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
      return onSlot(budget(request), false, slot -> runIn(slot, request));
    } catch (IOException | RuntimeException e) {
      log.error("run failed", e);
      return RunResult.failed(Verdict.INTERNAL_ERROR, "", (System.nanoTime() - started) / 1_000_000, null);
    }
  }

  /** A syntax check at execution priority (no observer rules); the observer's go through {@link #observe}. */
  public CheckResult check(Language language, String code) throws InterruptedException, IOException {
    return onSlot(checkBudget(language), false, slot -> checkIn(slot, language, code, false));
  }

  /**
   * The code observer's syntax check of a sampled edit: admitted by the {@link ObserverLane} (per
   * session, per user, a few at once), given a slot only when no execution waits for one, and run at
   * a low CPU weight. Blocks while it waits for its turn.
   *
   * @throws ObserverLane.Refused over a session's or user's limit, replaced by a newer edit, or the lane full
   */
  public CheckResult observe(Language language, String code, String session, String user) throws InterruptedException, IOException {
    ObserverLane.Ticket ticket = observers.enter(session, user);
    try {
      ticket.turn().get(OBSERVER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return onSlot(checkBudget(language), true, slot -> checkIn(slot, language, code, true));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ObserverLane.Refused refused) {
        throw refused;
      }
      throw new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new ObserverLane.Refused(503, "sandbox_busy", "Observer compiles waited too long for their turn.");
    } finally {
      ticket.close();
    }
  }

  /** How long an observer compile may wait for its turn in the lane before it is refused. */
  static final Duration OBSERVER_WAIT = Duration.ofSeconds(30);

  public ObserverLane observers() {
    return observers;
  }

  /** The last admissions to a slot, oldest first: {@code run} (executions) or {@code check} (syntax checks). */
  public List<String> recentAdmissions() {
    synchronized (admissions) {
      return List.copyOf(admissions);
    }
  }

  private static Duration checkBudget(Language language) {
    return (language == Language.JAVA ? Limits.compiler() : Limits.interpreted()).wallTimeout().plus(WATCHDOG_MARGIN);
  }

  private CheckResult checkIn(Slot slot, Language language, String code, boolean background) throws IOException {
    return switch (language) {
      case JAVA -> checkJava(slot, code, background);
      case PYTHON, JAVASCRIPT -> SyntaxCheck.interpreted(language, runtime(language), slot, harness, code, cgroups, background);
    };
  }

  /** Work done in one slot on one of the runner's platform threads. */
  interface SlotWork<T> {
    T apply(Slot slot) throws IOException, InterruptedException;
  }

  /**
   * Takes a slot (after every waiting execution when {@code background}) and does {@code work} in it on a platform thread, waiting at most {@code budget}
   * (the sum of the work's own limits plus a margin). Past that the watchdog fails the request, kills
   * everything the slot runs and puts a fresh slot in its place; the stuck thread, should it ever
   * return, no longer owns a slot.
   */
  <T> T onSlot(Duration budget, boolean background, SlotWork<T> work) throws InterruptedException, IOException {
    Slot slot = background ? pool.takeBackground() : pool.take();
    synchronized (admissions) {
      if (admissions.size() == 64) {
        admissions.removeFirst();
      }
      admissions.addLast(background ? "check" : "run");
    }
    AtomicBoolean settled = new AtomicBoolean();
    CompletableFuture<T> answer = new CompletableFuture<>();
    SandboxThreads.WORK.execute(() -> {
      T value = null;
      Throwable failure = null;
      try {
        value = work.apply(slot);
      } catch (Throwable e) {
        failure = e;
      }
      if (settled.compareAndSet(false, true)) {
        release(slot); // before answering: the answer means the work dir is clean again
      }
      if (failure == null) {
        answer.complete(value);
      } else {
        answer.completeExceptionally(failure);
      }
    });
    try {
      return answer.get(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (settled.compareAndSet(false, true)) {
        watchdogKills.incrementAndGet();
        log.error("watchdog: work in slot {} ran past its limits plus {} s; failed, and the slot is replaced", slot.index(),
            WATCHDOG_MARGIN.toSeconds());
        SandboxThreads.WORK.execute(() -> replace(slot));
        throw new IOException("the run in slot " + slot.index() + " passed its watchdog deadline");
      }
      return await(answer); // it finished just as the deadline passed
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private static <T> T await(CompletableFuture<T> answer) throws InterruptedException, IOException {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private static IOException unwrap(ExecutionException e) {
    return switch (e.getCause()) {
      case IOException io -> io;
      case RuntimeException runtime -> throw runtime;
      case Error error -> throw error;
      default -> new IOException(e.getCause());
    };
  }

  /**
   * The most a request may take in its slot: every sandbox it may start (one per stdout-problem test,
   * two for a function problem) to its wall limit plus the kill's grace, the compile, and a margin.
   */
  static Duration budget(RunRequest request) {
    Limits limits = limits(request.language());
    int sandboxes = request.problem() == null ? 1
        : request.problem().function() == null ? Math.max(1, request.problem().tests().size()) : 2;
    Duration budget = limits.wallTimeout().plus(KILL_GRACE).multipliedBy(sandboxes).plus(WATCHDOG_MARGIN);
    return request.language() == Language.JAVA ? budget.plus(Limits.compiler().wallTimeout()) : budget;
  }

  /** Requests the watchdog failed since start. */
  public long watchdogKills() {
    return watchdogKills.get();
  }

  /** Empties the slot's work dir and gives it back; a slot that cannot be emptied is replaced, never reused. */
  private void release(Slot slot) {
    try {
      WorkDirs.empty(slot.workDir());
    } catch (IOException | RuntimeException e) {
      log.error("could not empty the work dir of slot {}; the slot is replaced: {}", slot.index(), e.toString());
      replace(slot);
      return;
    }
    pool.give(slot);
    SandboxThreads.WORK.execute(() -> prewarm(slot));
  }

  /**
   * Puts a fresh slot (new work dir, same uid) in place of one that is stuck or cannot be cleaned:
   * every process of the slot's uids is killed, its pre-started sandbox closed, its work dir unmounted
   * and removed as far as it can be.
   */
  private void replace(Slot old) {
    java.util.Deque<Warm> warm = warmPython.remove(old.index());
    if (warm != null) {
      warm.forEach(Warm::closeWhenStarted);
    }
    Processes.killUid(old.uid());
    CompileServerClient compiler = compilers.get(old.index());
    if (compiler != null) {
      compiler.kill();
    }
    Processes.killUid(uids.compilerUid(old.index()));
    Slot fresh;
    try {
      fresh = workDirs.replace(old);
    } catch (IOException | RuntimeException e) {
      log.error("could not replace slot {}; the runner has one slot fewer: {}", old.index(), e.toString());
      return;
    }
    slots.set(old.index(), fresh);
    pool.give(fresh);
    prewarm(fresh);
  }

  private RunResult runIn(Slot slot, RunRequest request) throws IOException {
    Runtime runtime = runtime(request.language());
    WorkDirs.empty(slot.workDir());
    Long compileMs = null;
    String javaMain = null;
    CodeFiles code;
    if (request.language() == Language.JAVA) {
      boolean function = request.problem() != null && request.problem().function() != null;
      String fileName = function ? "Solution.java" : javaFileName(request.code());
      long compileStarted = System.nanoTime();
      CompileOutcome compiled = compilers.get(slot.index()).compile(fileName, JAVA_PREFIX + request.code());
      compileMs = (System.nanoTime() - compileStarted) / 1_000_000;
      if (!compiled.ok()) {
        return new RunResult(Verdict.COMPILATION_ERROR, "", withoutPrefix(compiled).errorText().replace("Solution.java", fileName),
            1, compileMs, compileMs, List.of());
      }
      if (compiled.classes().size() > MAX_JAVA_CLASSES) {
        // The work dir holds 4096 inodes: thousands of classes would fail to be written (an internal error before).
        return new RunResult(Verdict.COMPILATION_ERROR, "", "The program compiles to " + compiled.classes().size()
            + " classes; at most " + MAX_JAVA_CLASSES + " are allowed.\n", 1, compileMs, compileMs, List.of());
      }
      code = new CodeFiles(Language.JAVA, null, compiled.classes());
      javaMain = function ? "Harness" : mainClass(compiled.classes());
    } else {
      code = new CodeFiles(request.language(), request.code(), null);
    }
    code.write(slot);
    RunRequest.Problem problem = request.problem();
    RunResult result;
    if (problem == null) {
      result = plainRun(slot, runtime, request, javaMain);
    } else if (problem.function() == null) {
      result = textRun(slot, runtime, request, code, javaMain);
    } else {
      result = functionRun(slot, runtime, request, code);
    }
    return compileMs == null ? result : new RunResult(result.verdict(), result.stdout(), result.stderr(), result.exitCode(),
        result.durationMs() + compileMs, compileMs, result.tests());
  }

  private RunResult plainRun(Slot slot, Runtime runtime, RunRequest request, String javaMain) throws IOException {
    ProcessOutcome outcome = execute(slot, runtime, request.language(), programCommand(runtime, request.language(), javaMain),
        withBootHeader(request.language(), "program", bytes(request.stdin())));
    Verdict verdict = limitVerdict(outcome).or(() -> compileVerdict(request.language(), outcome))
        .or(() -> heapVerdict(outcome)).orElse(outcome.exitCode() == 0 ? Verdict.ACCEPTED : Verdict.RUNTIME_ERROR);
    return new RunResult(verdict, visible(slot, outcome.stdout()), visible(slot, outcome.stderr()),
        outcome.exitCode(), outcome.durationMs(), null, List.of());
  }

  /**
   * Stdout problems: one sandboxed run per test, stdin in, whitespace-normalised stdout compared.
   * Examples run first; hidden tests come last, so nothing they leave in the work dir is read by a
   * run whose output is shown, and their stdout, stderr and exit code are not reported.
   */
  private RunResult textRun(Slot slot, Runtime runtime, RunRequest request, CodeFiles code, String javaMain) throws IOException {
    Map<String, TestResult> byId = new LinkedHashMap<>();
    Verdict verdict = Verdict.ACCEPTED;
    String stdout = "";
    String stderr = "";
    int exitCode = HIDDEN_EXIT_CODE;
    long total = 0;
    List<RunRequest.TestCase> ordered = new ArrayList<>();
    request.problem().tests().stream().filter(t -> !t.hidden()).forEach(ordered::add);
    request.problem().tests().stream().filter(RunRequest.TestCase::hidden).forEach(ordered::add);
    boolean first = true;
    for (RunRequest.TestCase test : ordered) {
      if (!first && test.hidden()) {
        code.rewrite(slot);
      }
      first = false;
      String input = test.input() instanceof String s ? s : test.input() instanceof JsonObject o ? o.getString("stdin", "") : "";
      ProcessOutcome outcome = execute(slot, runtime, request.language(), programCommand(runtime, request.language(), javaMain),
          withBootHeader(request.language(), "program", bytes(input)));
      if (!test.hidden()) {
        total += outcome.durationMs(); // a hidden run's time could encode its input: never reported
      }
      String out = new String(outcome.stdout(), StandardCharsets.UTF_8);
      Optional<Verdict> limit = limitVerdict(outcome);
      boolean passed = limit.isEmpty() && outcome.exitCode() == 0
          && test.expected() instanceof String expected && TextComparator.matches(expected, out);
      Verdict testVerdict = limit.or(() -> compileVerdict(request.language(), outcome)).or(() -> heapVerdict(outcome))
          .orElse(outcome.exitCode() != 0 ? Verdict.RUNTIME_ERROR : passed ? Verdict.ACCEPTED : Verdict.WRONG_ANSWER);
      if (test.hidden()) {
        byId.put(test.id(), new TestResult(test.id(), true, passed, null, null, null, null, null));
      } else {
        stdout = visible(slot, outcome.stdout());
        stderr = visible(slot, outcome.stderr());
        exitCode = outcome.exitCode();
        byId.put(test.id(), new TestResult(test.id(), false, passed, (double) outcome.durationMs(), test.input(), test.expected(), stdout,
            stderr.isEmpty() ? null : stderr));
      }
      if (verdict == Verdict.ACCEPTED && testVerdict != Verdict.ACCEPTED) {
        verdict = testVerdict;
      }
    }
    List<TestResult> results = request.problem().tests().stream().map(t -> byId.get(t.id())).toList();
    return new RunResult(verdict, stdout, stderr, exitCode, total, null, results);
  }

  /**
   * Function problems: the examples run in one sandbox whose output the candidate sees, the hidden
   * tests in a second, fresh sandbox whose stdout, stderr and exit code are discarded. Hidden inputs
   * never enter a process whose output is shown, so nothing the code finds in its own memory
   * (the harness's frames, the heap) can be printed back to the candidate.
   */
  private RunResult functionRun(Slot slot, Runtime runtime, RunRequest request, CodeFiles code) throws IOException {
    RunRequest.Problem problem = request.problem();
    List<RunRequest.TestCase> examples = problem.tests().stream().filter(t -> !t.hidden()).toList();
    List<RunRequest.TestCase> hidden = problem.tests().stream().filter(RunRequest.TestCase::hidden).toList();
    HarnessRun exampleRun = examples.isEmpty() ? null : harnessRun(slot, runtime, request, examples);
    Map<String, TestResult> byId = new LinkedHashMap<>();
    Verdict verdict = exampleRun == null ? Verdict.ACCEPTED : exampleRun.verdict();
    HarnessRun hiddenRun = null;
    if (exampleRun != null) {
      exampleRun.results().forEach(r -> byId.put(r.id(), r));
    }
    if (verdict == Verdict.TIME_LIMIT_EXCEEDED || verdict == Verdict.COMPILATION_ERROR) {
      // A second full timeout would only double the wait: the hidden tests count as not passed.
      hidden.forEach(t -> byId.put(t.id(), new TestResult(t.id(), true, false, null, null, null, null, null)));
    } else if (!hidden.isEmpty()) {
      if (exampleRun != null) {
        code.rewrite(slot); // the example run may have changed the work dir: the hidden run starts from the submission
      }
      hiddenRun = harnessRun(slot, runtime, request, hidden);
      hiddenRun.results().forEach(r -> byId.put(r.id(), r));
      verdict = Verdict.worse(verdict, hiddenRun.verdict());
    }
    // Only the example run's time: the hidden run's could encode its inputs (sleep n ms), so it is never reported.
    long durationMs = exampleRun == null ? 0 : exampleRun.outcome().durationMs();
    List<TestResult> inRequestOrder = problem.tests().stream().map(t -> byId.get(t.id())).toList();
    if (exampleRun == null) {
      return new RunResult(verdict, "", "", HIDDEN_EXIT_CODE, durationMs, null, inRequestOrder);
    }
    ProcessOutcome shown = exampleRun.outcome();
    return new RunResult(verdict, visible(slot, shown.stdout()), visible(slot, shown.stderr()), shown.exitCode(), durationMs, null,
        inRequestOrder);
  }

  /** One harness process over {@code tests}, all of one kind: examples keep their details, hidden tests only pass/fail and time. */
  private HarnessRun harnessRun(Slot slot, Runtime runtime, RunRequest request, List<RunRequest.TestCase> tests) throws IOException {
    RunRequest.Problem problem = request.problem();
    String nonce = randomHex(16);
    JsonArray specTests = new JsonArray();
    tests.forEach(t -> specTests.add(new JsonObject().put("id", t.id()).put("input", t.input())));
    JsonObject spec = new JsonObject()
        .put("function", new JsonObject().put("name", problem.function().name())
            .put("params", new JsonArray(problem.function().params().stream()
                .map(p -> new JsonObject().put("name", p.name()).put("type", p.type())).toList()))
            .put("returns", problem.function().returns()))
        .put("tests", specTests);
    byte[] stdin = (nonce + "\n" + spec.encode()).getBytes(StandardCharsets.UTF_8);
    Path resultsFile = slot.workDir().resolve(".results");
    Files.createFile(resultsFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.setAttribute(resultsFile, "unix:uid", slot.uid(), LinkOption.NOFOLLOW_LINKS);
    ProcessOutcome outcome;
    byte[] channel;
    // Opened before the run: whatever the candidate does to the name, we read the file we created.
    try (FileChannel reader = FileChannel.open(resultsFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      outcome = execute(slot, runtime, request.language(), harnessCommand(runtime, request.language()),
          withBootHeader(request.language(), "harness", stdin));
      channel = readAtMost(reader, MAX_RESULTS_BYTES);
    }
    ResultChannel.Parsed parsed = ResultChannel.parse(channel, nonce, tests.stream().map(RunRequest.TestCase::id).toList());
    CompareMode mode = CompareMode.fromWire(problem.compare()).orElse(CompareMode.EXACT);
    List<TestResult> results = new ArrayList<>();
    boolean anyError = false;
    boolean anyMemoryError = false;
    boolean allPassed = true;
    for (int i = 0; i < tests.size(); i++) {
      RunRequest.TestCase test = tests.get(i);
      HarnessRecord record = i < parsed.records().size() ? parsed.records().get(i) : null;
      boolean passed = record != null && record.ok() && JsonComparator.matches(test.expected(), record.actual(), mode);
      allPassed &= passed;
      anyError |= record != null && !record.ok();
      anyMemoryError |= record != null && "MemoryError".equals(record.kind());
      double ms = record == null ? 0 : record.durationMs();
      results.add(test.hidden()
          ? new TestResult(test.id(), true, passed, null, null, null, null, null)
          : new TestResult(test.id(), false, passed, ms, test.input(), test.expected(),
              record != null && record.ok() ? record.actual() : null,
              record == null ? null : record.error() == null ? null : OutputText.stripHarness(record.error(), slot.workDir().toString())));
    }
    String stderrText = new String(outcome.stderr(), StandardCharsets.UTF_8);
    Verdict verdict = limitVerdict(outcome).or(() -> compileVerdict(request.language(), outcome)).orElse(
        anyMemoryError || stderrText.contains("heap out of memory") ? Verdict.MEMORY_LIMIT_EXCEEDED
            : !parsed.intact() || anyError || outcome.exitCode() != 0 ? Verdict.RUNTIME_ERROR
            : allPassed ? Verdict.ACCEPTED : Verdict.WRONG_ANSWER);
    return new HarnessRun(verdict, outcome, results);
  }

  private record HarnessRun(Verdict verdict, ProcessOutcome outcome, List<TestResult> results) {}

  /**
   * The submission as files in the work dir: the source for Python and JavaScript, the compiled
   * classes for Java. {@link #rewrite} empties the work dir and writes them again.
   */
  private record CodeFiles(Language language, String source, Map<String, byte[]> classes) {
    void write(Slot slot) throws IOException {
      if (classes != null) {
        Path dir = Files.createDirectory(slot.workDir().resolve("classes"));
        for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
          Files.write(dir.resolve(entry.getKey() + ".class"), entry.getValue(), StandardOpenOption.CREATE_NEW);
        }
      } else {
        Files.writeString(slot.workDir().resolve(language == Language.PYTHON ? "solution.py" : "solution.js"), source,
            StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
      }
    }

    void rewrite(Slot slot) throws IOException {
      WorkDirs.empty(slot.workDir());
      write(slot);
    }
  }

  private ProcessOutcome execute(Slot slot, Runtime runtime, Language language, List<String> command, byte[] stdin) throws IOException {
    Limits limits = limits(language);
    SandboxProcess.Started sandbox = language == Language.PYTHON ? takeWarm(slot) : null;
    if (sandbox == null) {
      sandbox = spawn(slot, runtime, limits, command, "run");
    }
    if (language == Language.PYTHON) {
      // The next sandbox starts while this one runs: a submission's hidden run, or the next request, finds it ready.
      SandboxThreads.WORK.execute(() -> prewarm(slot));
    }
    return sandbox.finish(stdin);
  }

  private SandboxProcess.Started spawn(Slot slot, Runtime runtime, Limits limits, List<String> command, String purpose)
      throws IOException {
    RunCgroup cgroup = cgroups.isPresent() ? cgroups.get().create(purpose, limits) : null;
    if (cgroup != null && purpose.equals("warm")) {
      // A pre-start yields the cores to running code until a request takes it (takeWarm restores the weight).
      try {
        cgroup.cpuWeight(RunCgroup.BACKGROUND_SHARES);
      } catch (IOException e) {
        cgroup.destroy();
        throw e;
      }
    }
    List<String> argv = SandboxCommand.build(slot.uid(), limits, runtime.readOnlyPaths(), harness.dir(), slot.workDir(), cgroup,
        harness.seccompFilter(), command);
    return SandboxProcess.start(argv, limits, cgroup);
  }

  static Limits limits(Language language) {
    return language == Language.JAVA ? Limits.jvm() : Limits.interpreted();
  }

  /**
   * The slot's pre-started Python sandbox, if one is started or starting and still alive. One that
   * is still starting is waited for: it began before this request, so it is ready before a new one.
   */
  private SandboxProcess.Started takeWarm(Slot slot) {
    java.util.Deque<Warm> queue = warmPython.get(slot.index());
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
   * Tops up the slot's pre-started Python sandboxes to {@link #WARM_DEPTH}: bwrap, namespaces and the
   * interpreter start while nobody waits; each then blocks on stdin. Each one serves exactly one run.
   * Its pipes are read by platform threads ({@link SandboxThreads}), never by a virtual thread.
   */
  private void prewarm(Slot slot) {
    Optional<Runtime> python = runtimes.get("python");
    if (python.isEmpty()) {
      return;
    }
    java.util.Deque<Warm> queue = warmPython.computeIfAbsent(slot.index(), i -> new java.util.concurrent.ConcurrentLinkedDeque<>());
    while (true) {
      Warm mine = new Warm(slot, new CompletableFuture<>());
      synchronized (queue) {
        if (closed || !slot.equals(slots.get(slot.index())) || queue.size() >= WARM_DEPTH) {
          return; // closing, a replaced slot, or the slot's next sandboxes are started or starting
        }
        queue.addLast(mine);
      }
      SandboxProcess.Started warm = null;
      try {
        warm = spawn(slot, python.get(), Limits.interpreted(), bootCommand(python.get()), "warm");
      } catch (IOException | RuntimeException e) {
        log.warn("could not pre-start a sandbox for slot {}: {}", slot.index(), e.toString());
      }
      mine.started().complete(warm);
      if (closed || !slot.equals(slots.get(slot.index())) || warm == null) {
        queue.remove(mine);
        if (warm != null) {
          warm.close(); // close() or replace() may have closed it too: closing twice is harmless
        }
        return;
      }
    }
  }

  /** Process ids of the pre-started sandboxes (tests tell them apart from leftovers). */
  public java.util.Set<Long> warmProcessIds() {
    java.util.Set<Long> pids = new java.util.HashSet<>();
    warmPython.values().forEach(queue -> queue.forEach(pending -> {
      SandboxProcess.Started warm = pending.started().getNow(null);
      if (warm != null) {
        pids.addAll(warm.processIds());
      }
    }));
    return pids;
  }

  /**
   * The exit code of boot.py and harness.py when solution.py does not parse (SyntaxError, or a NUL
   * byte): a compile error, as javac's is. Code that exits with it itself only gets a worse verdict.
   */
  static final int PYTHON_SYNTAX_ERROR_EXIT = 97;
  /** More classes than this in one submission is a compilation error (the work dir holds 4096 inodes). */
  static final int MAX_JAVA_CLASSES = 1_000;

  private static Optional<Verdict> compileVerdict(Language language, ProcessOutcome outcome) {
    return language == Language.PYTHON && outcome.exitCode() == PYTHON_SYNTAX_ERROR_EXIT && !outcome.timedOut()
        ? Optional.of(Verdict.COMPILATION_ERROR) : Optional.empty();
  }

  /**
   * A program that died of its runtime's own heap limit (Java's -Xmx, V8's old space, Python's
   * MemoryError) is over the memory limit, as a cgroup OOM kill is, not a runtime error.
   */
  private static Optional<Verdict> heapVerdict(ProcessOutcome outcome) {
    if (outcome.exitCode() == 0) {
      return Optional.empty();
    }
    String stderr = new String(outcome.stderr(), StandardCharsets.UTF_8);
    boolean heap = stderr.contains("java.lang.OutOfMemoryError: Java heap space") || stderr.contains("heap out of memory")
        || stderr.stripTrailing().endsWith("MemoryError");
    return heap ? Optional.of(Verdict.MEMORY_LIMIT_EXCEEDED) : Optional.empty();
  }

  private static Optional<Verdict> limitVerdict(ProcessOutcome outcome) {
    if (outcome.timedOut()) {
      return Optional.of(Verdict.TIME_LIMIT_EXCEEDED);
    }
    if (outcome.outputExceeded()) {
      return Optional.of(Verdict.OUTPUT_LIMIT_EXCEEDED);
    }
    if (outcome.memoryExceeded() && outcome.exitCode() != 0) {
      return Optional.of(Verdict.MEMORY_LIMIT_EXCEEDED);
    }
    return Optional.empty();
  }

  static List<String> harnessCommand(Runtime runtime, Language language) {
    String exe = runtime.executable().toString();
    return switch (language) {
      case PYTHON -> bootCommand(runtime);
      case JAVASCRIPT -> List.of(exe, "--max-old-space-size=256", "--stack-size=4000", SandboxCommand.HARNESS + "/harness.js");
      case JAVA -> javaCommand(exe, SandboxCommand.HARNESS + "/java:" + SandboxCommand.WORK + "/classes", "Harness");
    };
  }

  static List<String> programCommand(Runtime runtime, Language language, String javaMain) {
    String exe = runtime.executable().toString();
    return switch (language) {
      case PYTHON -> bootCommand(runtime);
      case JAVASCRIPT -> List.of(exe, "--max-old-space-size=256", "solution.js");
      case JAVA -> javaCommand(exe, SandboxCommand.WORK + "/classes", javaMain);
    };
  }

  /** Python always starts through boot.py, which is told on stdin whether to run the harness or the program. */
  static List<String> bootCommand(Runtime python) {
    return List.of(python.executable().toString(), "-I", "-B", SandboxCommand.HARNESS + "/boot.py");
  }

  /** The header boot.py waits for; other languages get their input unchanged. */
  private static byte[] withBootHeader(Language language, String mode, byte[] stdin) {
    if (language != Language.PYTHON) {
      return stdin;
    }
    byte[] header = (mode + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] joined = java.util.Arrays.copyOf(header, header.length + stdin.length);
    System.arraycopy(stdin, 0, joined, header.length, stdin.length);
    return joined;
  }

  /** Fast start over peak speed: C1 only, serial GC, the JDK's class data sharing archive. */
  private static List<String> javaCommand(String exe, String classPath, String mainClass) {
    return List.of(exe, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
        "-XX:CICompilerCount=1", "-Xmx256m", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=32m",
        "-cp", classPath, mainClass);
  }

  private CheckResult checkJava(Slot slot, String code, boolean background) throws IOException {
    CompileOutcome compiled = withoutPrefix(compilers.get(slot.index()).compile(javaFileName(code), JAVA_PREFIX + code, background));
    return new CheckResult(compiled.ok(), compiled.diagnostics());
  }

  /** Diagnostics on line 1 are shifted right by the import prefix; shift them back. */
  private static CompileOutcome withoutPrefix(CompileOutcome compiled) {
    List<Diagnostic> fixed = compiled.diagnostics().stream()
        .map(d -> d.line() == 1 ? new Diagnostic(1, Math.max(1, d.column() - JAVA_PREFIX.length()), d.message(), d.severity()) : d)
        .toList();
    return new CompileOutcome(compiled.ok(), fixed, compiled.classes(), compiled.timedOut());
  }

  private Runtime runtime(Language language) throws IOException {
    return runtimes.get(language.wireName())
        .orElseThrow(() -> new IOException(language.wireName() + " is not installed on this runner"));
  }

  private String visible(Slot slot, byte[] bytes) {
    return OutputText.stripHarness(OutputText.visible(bytes), slot.workDir().toString());
  }

  private static String javaFileName(String code) {
    Matcher matcher = PUBLIC_CLASS.matcher(code);
    return matcher.find() ? matcher.group(1) + ".java" : "Main.java";
  }

  private static String mainClass(Map<String, byte[]> classes) {
    if (classes.containsKey("Main")) {
      return "Main";
    }
    if (classes.containsKey("Solution")) {
      return "Solution";
    }
    return classes.keySet().stream().filter(name -> !name.contains("$")).findFirst().orElse("Main");
  }

  private static byte[] readAtMost(FileChannel reader, int limit) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(limit, Math.max(0, reader.size())));
    reader.read(buffer, 0);
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static byte[] bytes(String text) {
    return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
  }

  private String randomHex(int bytes) {
    byte[] data = new byte[bytes];
    random.nextBytes(data);
    return HexFormat.of().formatHex(data);
  }

  @Override
  public void close() {
    closed = true;
    // One still starting is closed by prewarm itself once it sees closed.
    warmPython.values().forEach(queue -> queue.forEach(Warm::closeWhenStarted));
    warmPython.clear();
    compilers.values().forEach(CompileServerClient::close);
    workDirs.close();
    SandboxThreads.awaitReaped(); // the runs' cgroups first: a parent with children cannot be removed
    cgroups.ifPresent(Cgroups::close);
    try {
      WorkDirs.deleteTree(harness.dir().getParent());
    } catch (IOException e) {
      log.warn("could not remove {}: {}", harness.dir().getParent(), e.toString());
    }
    uids.close();
  }
}
