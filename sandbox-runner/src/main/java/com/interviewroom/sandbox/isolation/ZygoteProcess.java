package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slot's Python zygote ({@code harness/zygote.py}): one long-lived sandbox that forks each run's
 * process ahead of the request instead of starting a new process tree and interpreter. The runner
 * moves the run's waiting process (pid 1 of the run's namespaces) into a fresh cgroup of its own as
 * soon as it waits, ahead of the request too (on cgroup v1 a move waits for an RCU grace period
 * after the kernel's last one: 10-20 ms after a few idle ms here, the whole cost of an idle
 * runner's first run), so everything the candidate's code does happens in that cgroup and every
 * limit, the OOM verdict and the final kill work as for any run. The run's input and output are
 * files in the slot's io dir that only the run's process opens: the zygote never holds a run's
 * data, or the next run would inherit it in its copied memory. The control pipe carries only {@code
 * ready}, {@code prepared}, {@code run} and {@code exit N}.
 */
public final class ZygoteProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZygoteProcess.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  /** How long the next run's process may take to be ready when a request comes. */
  private static final Duration PREPARE_TIMEOUT = Duration.ofSeconds(3);

  /** After a kill, how long the run's end may take to be reported before the zygote is given up. */
  private static final Duration KILLED_TIMEOUT = Duration.ofSeconds(3);

  private static final String EOF = "";
  private static final long POLL_MILLIS = 5;

  /** What a run's cgroup is named after (the prepared process waits in it before its run). */
  static final String PREPARED = "prepared";

  private final Process process;
  private final RunCgroup home;
  private final long zygotePid;
  private final OutputStream commands;
  private final BlockingQueue<String> replies;
  private final Cgroups cgroups;
  private final Limits runLimits;
  private volatile boolean broken;

  /** The cgroup the next run's process waits in; null until it is ready and moved there. */
  private volatile RunCgroup waiting;

  /** The zygote could not take the run: nothing of it ran, so it may run elsewhere. */
  public static final class Unavailable extends IOException {
    Unavailable(String message) {
      super(message);
    }
  }

  private ZygoteProcess(
      Process process,
      RunCgroup home,
      long zygotePid,
      BlockingQueue<String> replies,
      Cgroups cgroups,
      Limits runLimits) {
    this.process = process;
    this.home = home;
    this.zygotePid = zygotePid;
    this.commands = process.getOutputStream();
    this.replies = replies;
    this.cgroups = cgroups;
    this.runLimits = runLimits;
  }

  /**
   * Starts the zygote's sandbox ({@link SandboxCommand#buildZygote}) in its own cgroup and waits
   * until it is ready and its first run's process waits in a cgroup of its own. Blocking.
   *
   * @param interpreter the executable the zygote runs as, to tell it from its launchers
   * @param runLimits the limits of every run's cgroup
   */
  public static ZygoteProcess start(
      List<String> argv, RunCgroup home, String interpreter, Cgroups cgroups, Limits runLimits)
      throws IOException {
    Process process;
    try {
      process = SandboxThreads.spawn(SandboxProcess.builder(argv));
    } catch (IOException e) {
      home.destroy();
      throw e;
    }
    try {
      ZygoteProcess[] self = new ZygoteProcess[1];
      SandboxThreads.PIPES.execute(() -> logDiagnostics(process.getErrorStream(), self));
      BlockingQueue<String> replies = new LinkedBlockingQueue<>();
      SandboxThreads.PIPES.execute(() -> readLines(process.getInputStream(), replies));
      String ready = replies.poll(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!"ready".equals(ready)) {
        throw new IOException("the zygote did not start (" + ready + ")");
      }
      long pid =
          process
              .descendants()
              .filter(p -> p.info().command().map(interpreter::equals).orElse(false))
              .mapToLong(ProcessHandle::pid)
              .findFirst()
              .orElseThrow(() -> new IOException("the zygote's process was not found"));
      self[0] = new ZygoteProcess(process, home, pid, replies, cgroups, runLimits);
      self[0].prepareNext();
      if (self[0].broken) {
        throw new IOException("the zygote's first run could not be prepared");
      }
      return self[0];
    } catch (IOException | RuntimeException e) {
      SandboxProcess.killTree(process, home);
      home.destroyLater();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      SandboxProcess.killTree(process, home);
      home.destroyLater();
      throw new IOException("interrupted while starting the zygote", e);
    }
  }

  public boolean alive() {
    return !broken && process.isAlive();
  }

  /** The zygote's launch chain and its descendants (tests tell them apart from leftovers). */
  public Set<Long> processIds() {
    Set<Long> pids = new HashSet<>();
    pids.add(process.pid());
    process.descendants().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  /**
   * Moves the next run's process into a fresh cgroup as soon as it waits, unless it is there
   * already; a zygote that cannot is broken. Blocking (until the process waits); called in the
   * background after each run.
   */
  public synchronized void prepareNext() {
    if (waiting != null || broken) {
      return;
    }
    try {
      takeNext();
    } catch (IOException e) {
      broken = true;
      log.debug("the zygote could not prepare its next run: {}", e.getMessage());
    }
  }

  /** Waits until the next run's process waits and moves it into a fresh cgroup of the run's. */
  private void takeNext() throws IOException {
    String prepared = reply(PREPARE_TIMEOUT.toMillis());
    if (!"prepared".equals(prepared)) {
      throw new IOException("the zygote has no run prepared (" + prepared + ")");
    }
    RunCgroup cgroup = cgroups.create(PREPARED, runLimits);
    try {
      join(cgroup, preparedRun());
    } catch (IOException | RuntimeException e) {
      cgroup.destroyLater();
      throw e;
    }
    waiting = cgroup;
    if (broken) { // closed meanwhile
      cgroup.destroyLater();
    }
  }

  /**
   * Runs one program in the zygote's prepared process, which waits in a fresh cgroup: writes its
   * input to the slot's io dir (bound at {@code /io} in the zygote's sandbox; a run can open its
   * own files there and change nothing else), says go, enforces the wall limit and the output cap,
   * kills everything the run left, removes the cgroup and the files, and has the next run's process
   * moved into a cgroup of its own in the background. Never runs two at once (a slot runs one thing
   * at a time).
   *
   * @throws Unavailable when nothing of the run has started (other limits than the zygote's, no run
   *     prepared, no process found): it may run elsewhere
   * @throws IOException when the zygote did not answer as it should after that; it is then broken
   *     and must be replaced
   */
  public synchronized ProcessOutcome run(Path ioDir, int uid, Limits limits, byte[] stdin)
      throws IOException {
    if (!limits.equals(runLimits)) {
      throw new Unavailable("the run's limits are not the zygote's");
    }
    List<Path> files =
        List.of(ioDir.resolve("stdout"), ioDir.resolve("stderr"), ioDir.resolve("stdin"));
    RunCgroup cgroup = null;
    try (FileChannel out = createOwned(files.get(0), uid, null);
        FileChannel err = createOwned(files.get(1), uid, null)) {
      createOwned(files.get(2), uid, stdin).close();
      try {
        if (waiting == null) {
          takeNext(); // the request came before the background did it
        }
      } catch (IOException e) {
        broken = true;
        throw new Unavailable(e.getMessage());
      }
      cgroup = waiting;
      waiting = null;
      long started = System.nanoTime();
      command("run");
      long deadline = started + limits.wallTimeout().toNanos();
      boolean timedOut = false;
      boolean outputExceeded = false;
      String exit = null;
      long ended = 0;
      while (exit == null) {
        exit = reply(POLL_MILLIS);
        ended = System.nanoTime();
        if (exit != null) {
          break;
        }
        if (out.size() > limits.outputCapBytes() || err.size() > limits.outputCapBytes()) {
          outputExceeded = true;
        } else if (ended > deadline) {
          timedOut = true;
        } else {
          continue;
        }
        cgroup.killAll();
        exit = reply(KILLED_TIMEOUT.toMillis());
        if (exit == null) {
          throw broken("the zygote did not report a killed run's end");
        }
      }
      if (!exit.startsWith("exit ")) {
        throw broken("the zygote answered " + exit);
      }
      // Anything the run left behind (a daemon of its own session) dies here.
      cgroup.killAll();
      return new ProcessOutcome(
          Integer.parseInt(exit.substring(5).trim()),
          readAtMost(out, limits.outputCapBytes()),
          readAtMost(err, limits.outputCapBytes()),
          (ended - started) / 1_000_000,
          timedOut,
          outputExceeded
              || out.size() > limits.outputCapBytes()
              || err.size() > limits.outputCapBytes(),
          cgroup.memoryExceeded());
    } finally {
      if (cgroup != null) {
        cgroup.destroyLater();
        SandboxThreads.WORK.execute(this::prepareNext);
      }
      for (Path file : files) {
        Files.deleteIfExists(file); // the input holds hidden tests' inputs
      }
    }
  }

  @Override
  public void close() {
    broken = true;
    SandboxProcess.killTree(process, home);
    home.destroyLater();
    RunCgroup next = waiting;
    if (next != null) {
      next.destroyLater();
    }
  }

  private IOException broken(String why) {
    broken = true;
    return new IOException(why);
  }

  private void command(String line) throws IOException {
    try {
      commands.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      commands.flush();
    } catch (IOException e) {
      throw broken("the zygote is gone: " + e.getMessage());
    }
  }

  /** The next line from the zygote, null when none came in time; {@link #EOF} once it is gone. */
  private String reply(long timeoutMillis) throws IOException {
    try {
      String line = replies.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      if (EOF.equals(line)) {
        replies.add(EOF);
        throw broken("the zygote exited");
      }
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw broken("interrupted while waiting for the zygote");
    }
  }

  /** The waiting run's host pid: the zygote's only child. */
  private long preparedRun() throws IOException {
    String id = Long.toString(zygotePid);
    String children = Files.readString(Path.of("/proc", id, "task", id, "children")).trim();
    if (children.isEmpty() || children.contains(" ")) {
      throw new IOException("unexpected processes below the zygote: " + children);
    }
    return Long.parseLong(children);
  }

  /** Moves one process (one thread) into the cgroup: everything it starts from now is there. */
  private static void join(RunCgroup cgroup, long pid) throws IOException {
    for (String procs : cgroup.procsFiles()) {
      Files.writeString(Path.of(procs), Long.toString(pid));
    }
  }

  /**
   * Creates one of the run's files for the slot uid, with the content given (the input), and opens
   * it for reading before the run: whatever the run does to the name, we read the file we created.
   */
  private static FileChannel createOwned(Path file, int uid, byte[] content) throws IOException {
    Files.deleteIfExists(file); // one a failed run left
    Files.write(
        file,
        content == null ? new byte[0] : content,
        StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.setAttribute(file, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(file, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
    return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  }

  private static byte[] readAtMost(FileChannel file, int cap) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(cap, file.size()));
    while (buffer.hasRemaining() && file.read(buffer, buffer.position()) > 0) {
      // positional reads until the buffer is full or the file ends
    }
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static void readLines(InputStream in, BlockingQueue<String> lines) {
    StringBuilder line = new StringBuilder();
    try (in) {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          lines.add(line.toString());
          line.setLength(0);
        } else if (line.length() < 256) {
          line.append((char) b);
        }
      }
    } catch (IOException e) {
      // the zygote is gone
    }
    lines.add(EOF);
  }

  /**
   * The zygote's own error output (never a run's: a run's stderr is its own file), logged unless it
   * came while we closed it (its launchers' complaints about being killed).
   */
  private static void logDiagnostics(InputStream in, ZygoteProcess[] zygote) {
    try (in) {
      byte[] text = in.readNBytes(4096);
      if (text.length > 0 && (zygote[0] == null || !zygote[0].broken)) {
        log.warn("python zygote: {}", new String(text, StandardCharsets.UTF_8).strip());
      }
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // gone
    }
  }
}
