package com.interviewroom.sandbox.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the runtimes installed on this machine. The production image installs Python 3.12, Node 22
 * and Java 21; locally we use whatever is installed and report it, rather than failing.
 */
public final class Runtimes {
  private final Map<String, Runtime> byLanguage;

  private Runtimes(Map<String, Runtime> byLanguage) {
    this.byLanguage = byLanguage;
  }

  public static Runtimes detect() {
    Map<String, Runtime> found = new LinkedHashMap<>();
    python().ifPresent(r -> found.put(r.language(), r));
    node().ifPresent(r -> found.put(r.language(), r));
    java().ifPresent(r -> found.put(r.language(), r));
    return new Runtimes(Map.copyOf(found));
  }

  public Optional<Runtime> get(String language) {
    return Optional.ofNullable(byLanguage.get(language));
  }

  public List<Runtime> all() {
    return byLanguage.values().stream().sorted(Comparator.comparing(Runtime::language)).toList();
  }

  private static Optional<Runtime> python() {
    // The system interpreter, not a pyenv shim under /root: the sandbox must not see home
    // directories.
    for (String candidate : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
      Path exe = realPath(candidate);
      if (exe == null) {
        continue;
      }
      List<String> facts =
          output(
              List.of(
                  exe.toString(),
                  "-I",
                  "-c",
                  "import sys,sysconfig;print(sys.version.split()[0]);print(sysconfig.get_paths()['stdlib'])"));
      if (facts.size() >= 2) {
        return Optional.of(
            new Runtime(
                "python",
                facts.get(0),
                exe,
                exe.getParent(),
                List.of(exe, Path.of(facts.get(1))),
                "local " + exe));
      }
    }
    return Optional.empty();
  }

  private static Optional<Runtime> node() {
    for (String candidate : List.of("/usr/bin/node", "/usr/local/bin/node")) {
      Path exe = realPath(candidate);
      if (exe == null) {
        continue;
      }
      List<String> version = output(List.of(exe.toString(), "--version"));
      if (!version.isEmpty()) {
        return Optional.of(
            new Runtime(
                "javascript",
                version.get(0).replaceFirst("^v", ""),
                exe,
                exe.getParent(),
                List.of(exe),
                "local " + exe));
      }
    }
    return Optional.empty();
  }

  /** A JDK 21 or newer: this JVM's own when it is one, otherwise the newest under /usr/lib/jvm. */
  private static Optional<Runtime> java() {
    List<Path> homes = new ArrayList<>();
    homes.add(Path.of(System.getProperty("java.home")));
    try (Stream<Path> installed = Files.list(Path.of("/usr/lib/jvm"))) {
      installed.sorted(Comparator.reverseOrder()).forEach(homes::add);
    } catch (IOException none) {
      // No system JDKs: only this JVM's own home is a candidate.
    }
    for (Path home : homes) {
      Path realHome = realPath(home.toString());
      if (realHome == null || !Files.isExecutable(realHome.resolve("bin/javac"))) {
        continue;
      }
      Optional<String> version = releaseVersion(realHome);
      if (version.isPresent() && majorVersion(version.get()) >= 21) {
        return Optional.of(
            new Runtime(
                "java",
                version.get(),
                realHome.resolve("bin/java"),
                realHome,
                List.of(realHome),
                "local " + realHome));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> releaseVersion(Path home) {
    try {
      return Files.readAllLines(home.resolve("release")).stream()
          .filter(line -> line.startsWith("JAVA_VERSION="))
          .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int majorVersion(String version) {
    try {
      return Integer.parseInt(version.split("[.+-]")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Path realPath(String path) {
    try {
      return Path.of(path).toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  private static List<String> output(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] bytes = process.getInputStream().readAllBytes();
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        return List.of();
      }
      return new String(bytes, StandardCharsets.UTF_8).lines().map(String::trim).toList();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
