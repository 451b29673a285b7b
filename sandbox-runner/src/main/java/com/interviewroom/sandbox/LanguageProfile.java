package com.interviewroom.sandbox;

import com.interviewroom.sandbox.isolation.Limits;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.SandboxCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Everything that differs between the languages a run needs, as data: how the sandboxed process is
 * started, the file the submission is written to, whether it is compiled first, its limits, and
 * whether sandboxes are started ahead of requests. Everything else about a run is the same for all.
 *
 * @param limits the ceiling of each sandboxed run
 * @param checkLimits the ceiling of a syntax check (the warm compiler's for a compiled language)
 * @param compiled compiled in the slot's warm compiler before it runs ({@link JavaCompiler}); its
 *     program command then ends with the class to run
 * @param sourceFile the file in {@code /work} the submission is written to; null when compiled
 *     classes are written instead
 * @param harnessArgs after the runtime's executable: the harness for function problems
 * @param programArgs after the runtime's executable: the candidate's program (a compiled language
 *     adds the main class)
 * @param checkArgs after the runtime's executable: the parser-only syntax check ({@link
 *     SyntaxCheck}); null when compiled
 * @param bootHeader the process waits for a header line on stdin ({@code harness} or {@code
 *     program}) before running anything, so one command serves both and can be started ahead of the
 *     request
 * @param prestarted each slot keeps sandboxes of this language started ahead of requests ({@link
 *     PrestartedSandboxes}): with a boot header for either mode, else for harness runs only
 * @param syntaxErrorExit the exit code that means the submission did not parse (a compile error),
 *     if the language has one
 * @param probeProgram a program printing {@code 42}, the readiness probe's run ({@link Readiness})
 */
record LanguageProfile(
    Language language,
    Limits limits,
    Limits checkLimits,
    boolean compiled,
    String sourceFile,
    List<String> harnessArgs,
    List<String> programArgs,
    List<String> checkArgs,
    boolean bootHeader,
    boolean prestarted,
    OptionalInt syntaxErrorExit,
    String probeProgram) {

  /**
   * The exit code of boot.py and harness.py when solution.py does not parse (SyntaxError, or a NUL
   * byte): a compile error, as javac's is. Code that exits with it itself only gets a worse
   * verdict.
   */
  static final int PYTHON_SYNTAX_ERROR_EXIT = 97;

  /**
   * Python always starts through boot.py, which is told on stdin whether to run the harness or the
   * program.
   */
  private static final List<String> PYTHON_BOOT =
      List.of("-I", "-B", SandboxCommand.HARNESS + "/boot.py");

  /** Fast start over peak speed: C1 only, serial GC, the JDK's class data sharing archive. */
  private static final List<String> JVM_FLAGS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-XX:-UsePerfData",
          "-Xshare:auto",
          "-XX:CICompilerCount=1",
          "-Xmx256m",
          "-XX:MaxMetaspaceSize=128m",
          "-XX:ReservedCodeCacheSize=32m");

  static final LanguageProfile PYTHON =
      new LanguageProfile(
          Language.PYTHON,
          Limits.interpreted(),
          Limits.interpreted(),
          false,
          "solution.py",
          PYTHON_BOOT,
          PYTHON_BOOT,
          List.of("-I", "-B", "-c", SyntaxCheck.PYTHON_CHECK),
          true,
          true,
          OptionalInt.of(PYTHON_SYNTAX_ERROR_EXIT),
          "print(6 * 7)");

  static final LanguageProfile JAVASCRIPT =
      new LanguageProfile(
          Language.JAVASCRIPT,
          Limits.interpreted(),
          Limits.interpreted(),
          false,
          "solution.js",
          List.of(
              "--max-old-space-size=256",
              "--stack-size=4000",
              SandboxCommand.HARNESS + "/harness.js"),
          List.of("--max-old-space-size=256", "solution.js"),
          List.of("-e", SyntaxCheck.NODE_CHECK),
          false,
          false,
          OptionalInt.empty(),
          "console.log(6 * 7);");

  static final LanguageProfile JAVA =
      new LanguageProfile(
          Language.JAVA,
          Limits.jvm(),
          Limits.compiler(),
          true,
          null,
          concat(
              JVM_FLAGS,
              // Not /work/classes: a pre-started JVM starts before the classes are written, and the
              // JVM drops a class path directory that does not exist yet. Harness.java loads them.
              List.of("-cp", SandboxCommand.HARNESS + "/java", "Harness")),
          concat(JVM_FLAGS, List.of("-cp", SandboxCommand.WORK + "/classes")),
          null,
          false,
          true,
          OptionalInt.empty(),
          "public class Main { public static void main(String[] a) { System.out.println(6 * 7); } }");

  /** Every language the runner serves, in the order they are reported. */
  static final List<LanguageProfile> ALL = List.of(PYTHON, JAVASCRIPT, JAVA);

  static LanguageProfile of(Language language) {
    return switch (language) {
      case PYTHON -> PYTHON;
      case JAVASCRIPT -> JAVASCRIPT;
      case JAVA -> JAVA;
    };
  }

  String wireName() {
    return language.wireName();
  }

  List<String> harnessCommand(Runtime runtime) {
    return concat(List.of(runtime.executable().toString()), harnessArgs);
  }

  /**
   * @param mainClass the class to run, for a compiled language; ignored otherwise
   */
  List<String> programCommand(Runtime runtime, String mainClass) {
    List<String> command = concat(List.of(runtime.executable().toString()), programArgs);
    return compiled ? concat(command, List.of(mainClass)) : command;
  }

  /**
   * What a sandbox started ahead of its request runs: with a boot header, the same process serves
   * either mode; without one, the harness (a JVM that has started and waits for its spec on stdin,
   * the candidate's classes not yet written), since a program run names its main class on the
   * command line.
   */
  List<String> prestartCommand(Runtime runtime) {
    return bootHeader ? programCommand(runtime, null) : harnessCommand(runtime);
  }

  List<String> checkCommand(Runtime runtime) {
    return concat(List.of(runtime.executable().toString()), checkArgs);
  }

  /**
   * The header the process waits for ({@code harness} or {@code program}) before its input; other
   * languages get their input unchanged.
   */
  byte[] withBootHeader(String mode, byte[] stdin) {
    if (!bootHeader) {
      return stdin;
    }
    byte[] header = (mode + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] joined = java.util.Arrays.copyOf(header, header.length + stdin.length);
    System.arraycopy(stdin, 0, joined, header.length, stdin.length);
    return joined;
  }

  /** The compile's own limit, counted in a request's budget; zero when nothing is compiled. */
  Duration compileWall() {
    return compiled ? Limits.compiler().wallTimeout() : Duration.ZERO;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> joined = new ArrayList<>(first);
    joined.addAll(second);
    return List.copyOf(joined);
  }
}
