package com.interviewroom.sandbox.harness;

import com.interviewroom.sandbox.isolation.Runtime;
import com.interviewroom.sandbox.isolation.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Installs the per-language harnesses into a root-owned, read-only-to-everyone directory that every
 * sandbox binds at {@code /harness}. The Java harness and the compile server are our own code,
 * compiled once here on the host.
 */
public final class HarnessFiles {
  public static final String MOUNT = "/harness";
  private static final List<String> JAVA_HARNESS =
      List.of("TreeNode.java", "ListNode.java", "Harness.java");

  private final Path dir;

  private HarnessFiles(Path dir) {
    this.dir = dir;
  }

  public static HarnessFiles install(Path dir, Optional<Runtime> java)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    copy("harness.py", dir);
    copy("boot.py", dir);
    copy("zygote.py", dir);
    copy("harness.js", dir);
    if (java.isPresent()) {
      Path sources = Files.createDirectories(dir.resolve("src"));
      for (String file : JAVA_HARNESS) {
        copy(file, sources);
      }
      copy("CompileServer.java", sources);
      Path javac = java.get().home().resolve("bin/javac");
      List<String> harness =
          new ArrayList<>(
              List.of(
                  javac.toString(),
                  "--release",
                  "21",
                  "-proc:none",
                  "-d",
                  dir.resolve("java").toString()));
      JAVA_HARNESS.forEach(f -> harness.add(sources.resolve(f).toString()));
      run(harness);
      run(
          List.of(
              javac.toString(),
              "--release",
              "21",
              "-proc:none",
              "-d",
              dir.resolve("compiler").toString(),
              sources.resolve("CompileServer.java").toString()));
    }
    // -Dsandbox.seccomp=log only while finding what a runtime needs (docs/sandbox.md): unlisted
    // calls are then allowed and logged.
    Seccomp.Unlisted unlisted =
        "log".equals(System.getProperty("sandbox.seccomp"))
            ? Seccomp.Unlisted.LOG
            : Seccomp.Unlisted.REFUSE;
    Files.write(seccompFile(dir), Seccomp.program(unlisted));
    return new HarnessFiles(dir);
  }

  public Path dir() {
    return dir;
  }

  /** The compiled seccomp filter, next to the harness directory (not inside any sandbox). */
  public Path seccompFilter() {
    return seccompFile(dir);
  }

  private static Path seccompFile(Path dir) {
    return dir.resolveSibling("seccomp.bpf");
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = HarnessFiles.class.getResourceAsStream("/harness/" + resource)) {
      if (in == null) {
        throw new IOException("missing harness resource " + resource);
      }
      Files.write(target.resolve(resource), in.readAllBytes());
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("building the Java harness failed: " + output);
    }
  }
}
