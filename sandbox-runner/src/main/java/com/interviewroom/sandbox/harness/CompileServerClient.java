package com.interviewroom.sandbox.harness;

import com.interviewroom.sandbox.isolation.Cgroups;
import com.interviewroom.sandbox.isolation.Limits;
import com.interviewroom.sandbox.isolation.RunCgroup;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.SandboxCommand;
import com.interviewroom.sandbox.isolation.SandboxProcess;
import com.interviewroom.sandbox.isolation.SandboxThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One warm javac in its own sandbox (own unprivileged uid, own cgroup, no network, no work dir).
 * Used by one slot at a time, so calls are sequential. A compile that exceeds the timeout (a
 * compile-time bomb) kills the whole compiler sandbox; the next call starts a fresh one.
 */
public final class CompileServerClient implements AutoCloseable {
  private static final ExecutorService READERS = SandboxThreads.PIPES;
  private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,200}");
  private static final int MAX_RESPONSE = 8 << 20;
  private static final int WARM_UP_COMPILES = 12;

  private final Runtime java;
  private final HarnessFiles harness;
  private final Optional<Cgroups> cgroups;
  private final int uid;
  private final Limits limits = Limits.compiler();
  private volatile Process process;
  private volatile RunCgroup cgroup;

  public CompileServerClient(
      Runtime java, HarnessFiles harness, Optional<Cgroups> cgroups, int uid) {
    this.java = java;
    this.harness = harness;
    this.cgroups = cgroups;
    this.uid = uid;
  }

  public CompileOutcome compile(String fileName, String source) throws IOException {
    return compile(fileName, source, false);
  }

  /**
   * @param background an observer's compile: the compiler's CPU weight is lowered for it, so it
   *     yields the cores to executions ({@link RunCgroup#cpuWeight})
   */
  public synchronized CompileOutcome compile(String fileName, String source, boolean background)
      throws IOException {
    ensureStarted();
    if (cgroup != null) {
      cgroup.cpuWeight(background ? RunCgroup.BACKGROUND_SHARES : RunCgroup.NORMAL_SHARES);
    }
    byte[] body = source.getBytes(StandardCharsets.UTF_8);
    Process current = process;
    Future<String> response = READERS.submit(() -> readResponse(current.getInputStream()));
    try {
      OutputStream out = current.getOutputStream();
      out.write((body.length + "\n" + fileName + "\n").getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      return decode(response.get(limits.wallTimeout().toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      stop();
      return new CompileOutcome(
          false, List.of(new Diagnostic(1, 1, "Compilation timed out.", "error")), Map.of(), true);
    } catch (ExecutionException e) {
      // The compiler died mid-request (its cgroup OOM-killed it, say): the candidate's code did
      // that.
      stop();
      return new CompileOutcome(
          false,
          List.of(new Diagnostic(1, 1, "The compiler stopped while compiling this code.", "error")),
          Map.of(),
          false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IOException("interrupted while compiling", e);
    } finally {
      response.cancel(true);
    }
  }

  /**
   * Starts the compiler and runs a few compiles through it ahead of the first request, so javac's
   * own JIT warm-up is not on a candidate's clock.
   */
  public synchronized void warmUp() throws IOException {
    for (int round = 0; round < WARM_UP_COMPILES; round++) {
      compile(
          "Solution.java",
          "import java.util.*;class Solution { public int[] f"
              + round
              + "(int[] a) { Map<Integer, List<String>> m = new HashMap<>(); m.computeIfAbsent(a[0], k -> new ArrayList<>()).add(\"x\");"
              + " return Arrays.stream(a).map(x -> x * 2).filter(x -> x > 0).toArray(); } }");
    }
  }

  private void ensureStarted() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    stop();
    cgroup = cgroups.isPresent() ? cgroups.get().create("javac", limits) : null;
    List<String> command =
        List.of(
            java.executable().toString(),
            "-Xmx384m",
            "-Xss8m",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "-Xshare:auto",
            "-cp",
            HarnessFiles.MOUNT + "/compiler",
            "CompileServer",
            HarnessFiles.MOUNT + "/java");
    List<String> argv =
        SandboxCommand.build(
            uid,
            limits,
            java.readOnlyPaths(),
            harness.dir(),
            null,
            cgroup,
            harness.seccompFilter(),
            command);
    process =
        SandboxThreads.spawn(
            SandboxProcess.builder(argv).redirectError(ProcessBuilder.Redirect.DISCARD));
  }

  private String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0 || header.size() > 12) {
        throw new IOException("compile server closed its output");
      }
      header.write(b);
    }
    int length = Integer.parseInt(header.toString(StandardCharsets.US_ASCII).trim());
    if (length > MAX_RESPONSE) {
      throw new IOException("compile server response too large");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static CompileOutcome decode(String response) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    Map<String, byte[]> classes = new LinkedHashMap<>();
    String[] lines = response.split("\n");
    boolean ok = lines.length > 0 && lines[0].equals("ok");
    for (int i = 1; i < lines.length; i++) {
      String[] parts = lines[i].split("\t", 5);
      if (parts[0].equals("D") && parts.length == 5) {
        diagnostics.add(
            new Diagnostic(
                (int) Math.max(1, Long.parseLong(parts[1])),
                (int) Math.max(1, Long.parseLong(parts[2])),
                unescape(parts[4]),
                parts[3]));
      } else if (parts[0].equals("C")
          && parts.length == 3
          && CLASS_NAME.matcher(parts[1]).matches()) {
        classes.put(parts[1], Base64.getDecoder().decode(parts[2]));
      }
    }
    return new CompileOutcome(ok, List.copyOf(diagnostics), classes, false);
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private void stop() {
    if (process != null) {
      SandboxProcess.killTree(process, cgroup);
      process = null;
    }
    if (cgroup != null) {
      cgroup.destroy();
      cgroup = null;
    }
  }

  /**
   * Kills the compiler sandbox without waiting for a compile in progress (the watchdog's way out of
   * a stuck slot); that compile then fails and the next one starts a fresh compiler.
   */
  public void kill() {
    Process current = process;
    if (current != null) {
      SandboxProcess.killTree(current, cgroup);
    }
  }

  @Override
  public synchronized void close() {
    stop();
  }
}
