package com.interviewroom.sandbox;

import com.interviewroom.sandbox.http.RequestParser;

/**
 * A runner in a JVM of its own for {@link RunnerCrashTest}: starts a busy loop, then waits to be
 * killed.
 */
public final class CrashingRunner {
  private CrashingRunner() {}

  public static void main(String[] args) throws Exception {
    SandboxService service = SandboxService.start(1, 1, true);
    System.out.println("root " + service.rootDir());
    System.out.flush();
    service.run(
        RequestParser.run(
            Requests.program("python", "import os\nos.fork()\nwhile True:\n    pass\n")));
  }
}
