package com.interviewroom.bench;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.Launcher;
import com.interviewroom.launcher.RunningSystem;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The real server for the relay benchmark, in a process of its own so that its CPU and heap are
 * measured without the load generator's or the fake provider's: {@link Launcher#start} on the
 * environment's configuration, as {@code Main} does. Stdout carries the server's own logs;
 * stderr carries {@code BENCH ready}, then one {@code BENCH <number>} answer per stdin command:
 * {@code cpu} (process CPU nanoseconds) or {@code heap} (used heap bytes after full GCs).
 * Closing stdin stops the server.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    RunningSystem running = Launcher.start(Config.fromEnv());
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.err.println("BENCH ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String answer = switch (line.trim()) {
        case "cpu" -> String.valueOf(os.getProcessCpuTime());
        case "heap" -> String.valueOf(usedHeapAfterGc());
        default -> "unknown";
      };
      System.err.println("BENCH " + answer);
    }
    running.close();
    System.exit(0);
  }

  /** Several full collections with pauses between them, so objects awaiting finalisation or reference processing are gone too. */
  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
