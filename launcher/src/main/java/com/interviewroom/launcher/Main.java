package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.config.ConfigException;

/**
 * {@code java -jar interviewroom.jar [NAME=value ...]}: reads the environment once (arguments such as
 * {@code ROLE=edge} override it), starts what ROLE asks for.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Config config;
    try {
      config = Config.fromEnv(args);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      RunningSystem running = Launcher.start(config);
      Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shutdown"));
      StartupBanner.print(running);
    } catch (Exception e) {
      System.err.println("InterviewRoom failed to start: " + e);
      e.printStackTrace(System.err);
      System.exit(1);
    }
  }
}
