package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The repository's {@code .dockerignore} keeps build output, local data, logs and secrets out of
 * the Dockerfile's {@code COPY . .}, and nothing the build reads. Patterns are matched as Docker
 * does for these simple forms: root-relative globs, {@code **}{@code /} also matching at the root,
 * a matched directory excluding everything under it.
 */
class DockerContextTest {
  private static final Path ROOT = Path.of("..");

  @Test
  @DisplayName(
      ".dockerignore excludes target/ in every module, data/, .git, logs, IDE files, bench-results and .env")
  void excludesWhatTheImageMustNotCarry() throws Exception {
    List<PathMatcher> ignored = patterns();
    for (String path :
        new String[] {
          "target/classes/x.class",
          "launcher/target/interviewroom.jar",
          "edge-api/target/x",
          "data/postgres/PG_VERSION",
          ".git/HEAD",
          "server.log",
          "launcher/run.log",
          ".idea/workspace.xml",
          "common/common.iml",
          "bench-results/edge.json",
          ".env"
        }) {
      assertThat(excluded(ignored, path)).as(path + " is excluded").isTrue();
    }
  }

  @Test
  @DisplayName(
      ".dockerignore keeps every file the Dockerfile's build reads: the root and module pom.xml files and their sources")
  void keepsWhatTheBuildNeeds() throws Exception {
    assertThat(Files.readString(ROOT.resolve("Dockerfile")))
        .contains("COPY . .")
        .contains("mvn -B -q install -DskipTests");
    List<PathMatcher> ignored = patterns();
    List<String> needed =
        new ArrayList<>(
            List.of(
                "pom.xml",
                ".env.example",
                "schema/src/main/resources/db/migration/V1__tables.sql"));
    Matcher module =
        Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    int modules = 0;
    while (module.find()) {
      modules++;
      needed.add(module.group(1) + "/pom.xml");
      try (var files = Files.walk(ROOT.resolve(module.group(1)).resolve("src"))) {
        files
            .filter(Files::isRegularFile)
            .forEach(f -> needed.add(ROOT.relativize(f).toString().replace('\\', '/')));
      }
    }
    assertThat(modules).isGreaterThanOrEqualTo(7);
    for (String path : needed) {
      assertThat(excluded(ignored, path)).as(path + " stays in the build context").isFalse();
    }
  }

  private static List<PathMatcher> patterns() throws Exception {
    List<PathMatcher> matchers = new ArrayList<>();
    for (String line : Files.readAllLines(ROOT.resolve(".dockerignore"))) {
      String pattern = line.strip();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      assertThat(pattern)
          .as("only plain exclusions (no ! re-includes) are used")
          .doesNotStartWith("!");
      pattern = pattern.replaceAll("^/+|/+$", "");
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      if (pattern.startsWith("**/")) {
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)));
      }
    }
    return matchers;
  }

  /** A path is excluded when it, or a directory above it, matches a pattern. */
  private static boolean excluded(List<PathMatcher> ignored, String path) {
    for (Path p = Path.of(path); p != null; p = p.getParent()) {
      Path candidate = p;
      if (ignored.stream().anyMatch(m -> m.matches(candidate))) {
        return true;
      }
    }
    return false;
  }
}
