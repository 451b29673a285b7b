package com.interviewroom.sandbox.bench;

import com.interviewroom.sandbox.isolation.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The anchor of a Judge0-style runner: ioi/isolate (the box Judge0 builds on), one box per
 * submission as Judge0 uses it: {@code --init}, the program copied into the box, {@code --run}
 * under a Python run's own limits ({@link #LIMITS}, the memory one through cgroups), {@code
 * --cleanup}. Only when {@code isolate} is installed (bench/sandbox.sh says how); each calling
 * thread takes a box of its own.
 */
final class IsolateAnchor {
  private static final Path INSTALLED = Path.of("/usr/local/bin/isolate");

  /**
   * A Python run's own limits (memory, processes, wall time, file size; isolate 1.8 sets no
   * open-files limit).
   */
  static final Limits LIMITS = Limits.interpreted();

  /** Box ids of their own, above what a local isolate user would take first. */
  private static final int FIRST_BOX = 900;

  private final AtomicInteger nextBox = new AtomicInteger(FIRST_BOX);
  private final ThreadLocal<Integer> box = ThreadLocal.withInitial(nextBox::getAndIncrement);
  private final String version;

  private IsolateAnchor(String version) {
    this.version = version;
  }

  static Optional<IsolateAnchor> find() {
    if (!Files.isExecutable(INSTALLED)) {
      return Optional.empty();
    }
    try {
      // "The process isolator 1.8.1": the version is the first line's last word
      String first =
          run(List.of(INSTALLED.toString(), "--version")).lines().findFirst().orElse("").strip();
      return Optional.of(new IsolateAnchor(first.substring(first.lastIndexOf(' ') + 1)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  String version() {
    return version;
  }

  /**
   * One submission: a fresh box, python3 hello world in it, the box removed; true when it said
   * hello.
   */
  boolean hello() throws IOException {
    String id = "--box-id=" + box.get();
    String dir = run(List.of(INSTALLED.toString(), "--cg", id, "--init")).strip();
    try {
      Files.writeString(Path.of(dir, "box", "hello.py"), "print('hello')");
      String out =
          run(
              List.of(
                  INSTALLED.toString(),
                  "--cg",
                  id,
                  "--cg-mem=" + (LIMITS.memoryBytes() >> 10),
                  "--processes=" + LIMITS.maxProcesses(),
                  "--wall-time=" + LIMITS.wallTimeout().toSeconds(),
                  "--fsize=" + (LIMITS.maxFileBytes() >> 10),
                  "--run",
                  "--",
                  "/usr/bin/python3",
                  "-I",
                  "-B",
                  "hello.py"));
      return out.equals("hello\n");
    } finally {
      run(List.of(INSTALLED.toString(), "--cg", id, "--cleanup"));
    }
  }

  /** {@code count} timed submissions one after the other, after 5 untimed. */
  List<Double> timed(int count) throws IOException {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < count + 5; i++) {
      long started = System.nanoTime();
      if (!hello()) {
        throw new IllegalStateException("isolate did not run hello world");
      }
      if (i >= 5) {
        times.add((System.nanoTime() - started) / 1e6);
      }
    }
    return times;
  }

  private static String run(List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }
}
