package com.interviewroom.bench;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.Launcher;
import com.interviewroom.launcher.RunningSystem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import javax.management.ObjectName;

/**
 * The real server for the relay benchmark, in a process of its own so that its CPU and heap are
 * measured without the load generator's or the fake provider's: {@link Launcher#start} on the
 * environment's configuration, as {@code Main} does. Stdout carries the server's own logs; stderr
 * carries {@code BENCH ready}, then one {@code BENCH <number>} answer per stdin command: {@code
 * cpu} (process CPU nanoseconds) or {@code heap} (bytes of live objects, from a class histogram).
 * Closing stdin stops the server.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    RunningSystem running = Launcher.start(Config.fromEnv());
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.err.println("BENCH ready");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String answer =
          switch (line.trim()) {
            case "cpu" -> String.valueOf(os.getProcessCpuTime());
            case "heap" -> String.valueOf(liveHeapBytes());
            default -> "unknown";
          };
      System.err.println("BENCH " + answer);
    }
    running.close();
    System.exit(0);
  }

  /**
   * Bytes of live objects, as the {@code GC.class_histogram} diagnostic command counts them after
   * its own full collection. Unlike "used heap" this does not depend on the collector: a concurrent
   * one (ZGC, the server's collector) keeps allocating while it collects, so its used figure holds
   * the garbage the sessions' traffic made meanwhile.
   */
  private static long liveHeapBytes() throws Exception {
    ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
    String histogram =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    diagnostics,
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
    for (String row : histogram.split("\n")) {
      String[] cells = row.trim().split("\\s+");
      if (cells.length >= 3 && "Total".equals(cells[0])) {
        return Long.parseLong(cells[2]);
      }
    }
    throw new IllegalStateException("no Total row in the class histogram");
  }
}
