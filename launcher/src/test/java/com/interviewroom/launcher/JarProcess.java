package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.launcher.faults.ProcessFaults;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process of the system as it ships: {@code java -jar interviewroom.jar} (the shaded jar that
 * {@code mvn package} builds, handed to the {@code verify} phase's tests as {@code packaged.jar})
 * in a child JVM with only the environment given, its output in a log file of its own.
 */
final class JarProcess implements AutoCloseable {
  /** Variables a child may keep: what a shell on a fresh machine has, and no configuration. */
  private static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LANG", "TMPDIR");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final Path log;
  private final Process process;

  private JarProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /** Starts the jar with exactly {@code env} (plus a shell's basics) and the given JVM flags. */
  static JarProcess start(String name, Path logDir, Map<String, String> env, String... jvmFlags)
      throws IOException {
    Path jar =
        Path.of(System.getProperty("packaged.jar", "target/interviewroom.jar")).toAbsolutePath();
    assertThat(jar).as("the shaded jar (mvn package builds it)").exists();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+ExitOnOutOfMemoryError"));
    command.addAll(List.of(jvmFlags));
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().retainAll(INHERITED);
    builder.environment().putAll(env);
    Path log = logDir.resolve(name + ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new JarProcess(name, log, builder.start());
  }

  /**
   * Polls {@code http://127.0.0.1:port/path} until it answers 200; fails with the log's tail
   * otherwise.
   */
  JarProcess awaitHealthy(int port, String path, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("%s exited early:\n%s", name, logTail()).isTrue();
      try {
        HttpResponse<String> answer =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return this;
        }
        last = answer.statusCode() + " " + answer.body();
      } catch (IOException notListeningYet) {
        last = notListeningYet.toString();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        name + " not healthy within " + within + ", last answer: " + last + "\n" + logTail());
  }

  /** Waits for a JSON log line whose message contains {@code text}; returns that line. */
  JsonObject awaitLogLine(String text, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("%s exited early:\n%s", name, logTail()).isTrue();
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("{") && line.contains(text)) {
          return new JsonObject(line);
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError(name + " never logged '" + text + "'\n" + logTail());
  }

  boolean alive() {
    return process.isAlive();
  }

  /** {@code kill -9} of the JVM and everything it started, as a machine failure would. */
  void crash() {
    ProcessFaults.killTree(process.pid());
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, then whatever is still alive after 30 s is killed outright. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
