package com.interviewroom.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from this one's class path, talked to line by line: commands on its stdin, answers
 * as {@code BENCH ...} lines on its stderr (other stderr lines are passed through), its stdout in a
 * log file. Closing it closes stdin, which the children take as the signal to exit.
 */
final class ChildJvm implements AutoCloseable {
  private static final String PREFIX = "BENCH ";

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readStderr, name + "-stderr");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The environment is replaced, not inherited, so no provider key or URL of the caller's shell
   * leaks in.
   */
  static ChildJvm start(
      String name,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Map<String, String> env,
      Path stdoutLog)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdoutLog.toFile());
    Map<String, String> environment = builder.environment();
    String path = environment.get("PATH");
    String home = environment.get("HOME");
    environment.clear();
    environment.put("PATH", path == null ? "/usr/bin:/bin" : path);
    if (home != null) {
      environment.put("HOME", home);
    }
    environment.putAll(env);
    return new ChildJvm(name, builder.start());
  }

  long pid() {
    return process.pid();
  }

  /** The next {@code BENCH} line, without the prefix. */
  String next(Duration within) throws InterruptedException {
    String answer = answers.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    if (answer == null) {
      throw new IllegalStateException(
          name
              + " gave no answer within "
              + within
              + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")"));
    }
    return answer;
  }

  String ask(String command) throws IOException, InterruptedException {
    stdin.write(command + "\n");
    stdin.flush();
    return next(Duration.ofSeconds(60));
  }

  long askLong(String command) throws IOException, InterruptedException {
    return Long.parseLong(ask(command).trim());
  }

  private void readStderr() {
    try (BufferedReader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line = err.readLine(); line != null; line = err.readLine()) {
        if (line.startsWith(PREFIX)) {
          answers.add(line.substring(PREFIX.length()));
        } else {
          System.err.println("[" + name + "] " + line);
        }
      }
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  @Override
  public void close() {
    try {
      stdin.close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
