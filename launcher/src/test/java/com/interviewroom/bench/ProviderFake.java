package com.interviewroom.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fake OpenAI Realtime provider of the relay benchmark, a process of its own so its CPU is not
 * the server's: {@code java}, our echo fake ({@code EchoProvider}: every append straight back as a
 * delta, no response events), or {@code node}, the independent fake {@code
 * bench/voice-relay-node/provider.mjs} that sends the GA API's whole response sequence (the one the
 * Node generator uses).
 */
interface ProviderFake extends AutoCloseable {
  String url();

  long cpuNanos() throws IOException, InterruptedException;

  /** What the report says the fake does. */
  String description();

  @Override
  void close();

  static ProviderFake start(String kind, List<String> jvmOptions, int loops, Path logs)
      throws Exception {
    return "node".equals(kind) ? NodeFake.start() : JavaFake.start(jvmOptions, loops, logs);
  }

  record JavaFake(ChildJvm jvm, String url) implements ProviderFake {
    static JavaFake start(List<String> jvmOptions, int loops, Path logs) throws Exception {
      ChildJvm jvm =
          ChildJvm.start(
              "fake-provider",
              jvmOptions,
              "com.interviewroom.realtime.bench.EchoProvider",
              List.of(String.valueOf(loops)),
              Map.of(),
              logs.resolve("relay-bench-fake.log"));
      return new JavaFake(jvm, jvm.next(Duration.ofMinutes(2)).substring("url=".length()));
    }

    @Override
    public long cpuNanos() throws IOException, InterruptedException {
      return jvm.askLong("cpu");
    }

    @Override
    public String description() {
      return "the Java echo fake (`EchoProvider`) sends every `input_audio_buffer.append` straight back as a "
          + "`response.output_audio.delta`, with no response events around it";
    }

    @Override
    public void close() {
      jvm.close();
    }
  }

  record NodeFake(Process process, String url) implements ProviderFake {
    static NodeFake start() throws IOException {
      Process process =
          new ProcessBuilder("node", "bench/voice-relay-node/provider.mjs", "0")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String line =
          new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (line == null || !line.startsWith("url=")) {
        process.destroy();
        throw new IllegalStateException(
            "the Node provider fake did not start (run npm ci in bench/voice-relay-node): " + line);
      }
      return new NodeFake(process, line.substring("url=".length()));
    }

    /** utime + stime of {@code /proc/<pid>/stat}, in clock ticks of 10 ms. */
    @Override
    public long cpuNanos() throws IOException {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    @Override
    public String description() {
      return "the Node fake (`bench/voice-relay-node/provider.mjs`) answers as the GA API does: `response.created`, "
          + "`response.output_item.added`, `conversation.item.added`, `response.content_part.added`, one "
          + "`response.output_audio.delta` per append (the same bytes), a transcript delta every fifth, and after 10 s (a "
          + "socket's first answer cut at random, so that answers end at different moments) the "
          + "`.done` events and `response.done` with usage, then the next turn";
    }

    @Override
    public void close() {
      try {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroy();
        }
      } catch (IOException | InterruptedException e) {
        process.destroyForcibly();
      }
    }
  }
}
