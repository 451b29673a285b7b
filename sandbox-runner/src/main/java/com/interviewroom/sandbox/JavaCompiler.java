package com.interviewroom.sandbox;

import com.interviewroom.sandbox.harness.CompileOutcome;
import com.interviewroom.sandbox.harness.CompileServerClient;
import com.interviewroom.sandbox.harness.Diagnostic;
import com.interviewroom.sandbox.harness.HarnessFiles;
import com.interviewroom.sandbox.isolation.Cgroups;
import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.Slot;
import com.interviewroom.sandbox.isolation.UidRange;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compile step of Java: a warm compiler per slot (its own sandbox, uid and cgroup), and the
 * conventions between the candidate's source and what runs (the import prefix, the file and the
 * class to run, the class cap).
 */
final class JavaCompiler {
  private static final Logger log = LoggerFactory.getLogger(JavaCompiler.class);

  /**
   * The harness's promise that java.util.* is imported; on line 1 so the candidate's line numbers
   * hold.
   */
  static final String JAVA_PREFIX =
      "import java.util.*;import java.util.function.*;import java.util.stream.*;";

  /**
   * More classes than this in one submission is a compilation error (the work dir holds 4096
   * inodes).
   */
  static final int MAX_JAVA_CLASSES = 1_000;

  private static final Pattern PUBLIC_CLASS =
      Pattern.compile("public\\s+(?:final\\s+|abstract\\s+)*class\\s+([A-Za-z_$][A-Za-z0-9_$]*)");

  private final Map<Integer, CompileServerClient> compilers = new LinkedHashMap<>();

  /**
   * @param java the JDK, when installed (no compilers without it)
   */
  JavaCompiler(
      Optional<Runtime> java,
      HarnessFiles harness,
      Optional<Cgroups> cgroups,
      UidRange uids,
      List<Slot> slots) {
    java.ifPresent(
        jdk ->
            slots.forEach(
                slot ->
                    compilers.put(
                        slot.index(),
                        new CompileServerClient(
                            jdk, harness, cgroups, uids.compilerUid(slot.index())))));
  }

  /** Starts the warm compilers; blocking. */
  void warmUp() {
    compilers
        .values()
        .forEach(
            compiler -> {
              try {
                compiler.warmUp();
              } catch (IOException e) {
                log.warn("compiler warm-up failed: {}", e.toString());
              }
            });
  }

  /**
   * Compiles the request's code in the slot's compiler: a function problem's as {@code
   * Solution.java}, a program's after its public class.
   */
  Submission compile(Slot slot, RunRequest request) throws IOException {
    boolean function = request.problem() != null && request.problem().function() != null;
    String fileName = function ? "Solution.java" : javaFileName(request.code());
    long compileStarted = System.nanoTime();
    CompileOutcome compiled =
        compilers.get(slot.index()).compile(fileName, JAVA_PREFIX + request.code());
    long compileMs = (System.nanoTime() - compileStarted) / 1_000_000;
    if (!compiled.ok()) {
      return Submission.failed(
          compileMs,
          new RunResult(
              Verdict.COMPILATION_ERROR,
              "",
              withoutPrefix(compiled).errorText().replace("Solution.java", fileName),
              1,
              compileMs,
              compileMs,
              List.of()));
    }
    if (compiled.classes().size() > MAX_JAVA_CLASSES) {
      // The work dir holds 4096 inodes: thousands of classes would fail to be written (an internal
      // error before).
      return Submission.failed(
          compileMs,
          new RunResult(
              Verdict.COMPILATION_ERROR,
              "",
              "The program compiles to "
                  + compiled.classes().size()
                  + " classes; at most "
                  + MAX_JAVA_CLASSES
                  + " are allowed.\n",
              1,
              compileMs,
              compileMs,
              List.of()));
    }
    return Submission.compiled(
        new CodeFiles(LanguageProfile.JAVA, null, compiled.classes()),
        function ? "Harness" : mainClass(compiled.classes()),
        compileMs);
  }

  /**
   * A syntax check: javac in the slot's warm compiler, at a low CPU weight when {@code background}.
   */
  CheckResult check(Slot slot, String code, boolean background) throws IOException {
    CompileOutcome compiled =
        withoutPrefix(
            compilers
                .get(slot.index())
                .compile(javaFileName(code), JAVA_PREFIX + code, background));
    return new CheckResult(compiled.ok(), compiled.diagnostics());
  }

  /**
   * Kills the slot's compiler (its slot is being replaced); the next request starts a fresh one.
   */
  void kill(int slotIndex) {
    CompileServerClient compiler = compilers.get(slotIndex);
    if (compiler != null) {
      compiler.kill();
    }
  }

  void close() {
    compilers.values().forEach(CompileServerClient::close);
  }

  /** Diagnostics on line 1 are shifted right by the import prefix; shift them back. */
  private static CompileOutcome withoutPrefix(CompileOutcome compiled) {
    List<Diagnostic> fixed =
        compiled.diagnostics().stream()
            .map(
                d ->
                    d.line() == 1
                        ? new Diagnostic(
                            1,
                            Math.max(1, d.column() - JAVA_PREFIX.length()),
                            d.message(),
                            d.severity())
                        : d)
            .toList();
    return new CompileOutcome(compiled.ok(), fixed, compiled.classes(), compiled.timedOut());
  }

  private static String javaFileName(String code) {
    Matcher matcher = PUBLIC_CLASS.matcher(code);
    return matcher.find() ? matcher.group(1) + ".java" : "Main.java";
  }

  private static String mainClass(Map<String, byte[]> classes) {
    if (classes.containsKey("Main")) {
      return "Main";
    }
    if (classes.containsKey("Solution")) {
      return "Solution";
    }
    return classes.keySet().stream().filter(name -> !name.contains("$")).findFirst().orElse("Main");
  }
}
