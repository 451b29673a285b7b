package com.interviewroom.realtime.bench;

import com.interviewroom.realtime.voice.openai.FakeOpenAiRealtime;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The fake OpenAI Realtime server in echo mode as a process of its own, for the full-gateway relay
 * benchmark ({@code bench/voice-relay.sh}): its CPU is then not counted as the server's. It reports
 * {@code BENCH url=<ws url>} on stderr once listening, answers {@code cpu} on stdin with {@code
 * BENCH <process CPU nanoseconds>}, and exits when stdin closes.
 */
public final class EchoProvider {
  private EchoProvider() {}

  public static void main(String[] args) throws Exception {
    int loops =
        args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    FakeOpenAiRealtime fake = new FakeOpenAiRealtime(vertx);
    fake.echo = true;
    int port = fake.startOnLoops(loops);
    System.err.println("BENCH url=" + fake.url(port));
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      System.err.println(
          "BENCH "
              + ("cpu".equals(line.trim()) ? String.valueOf(os.getProcessCpuTime()) : "unknown"));
    }
    vertx.close().await();
    System.exit(0);
  }
}
