package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.config.ConfigException;

/**
 * {@code java -jar interviewroom.jar [NAME=value ...]}: reads the environment once (arguments such
 * as {@code ROLE=edge} override it), starts what ROLE asks for. {@code java -jar interviewroom.jar
 * admin ...} runs the operator command instead ({@link AdminCommand}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && "admin".equals(args[0])) {
      int code;
      try {
        code =
            AdminCommand.run(
                java.util.Arrays.copyOfRange(args, 1, args.length),
                System.getenv(),
                System.out,
                System.err);
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        code = 2;
      }
      System.exit(code);
      return;
    }
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
