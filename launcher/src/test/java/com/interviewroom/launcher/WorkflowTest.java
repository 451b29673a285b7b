package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code .github/workflows/ci.yml}, checked structurally (actionlint is a Go binary we do not have
 * here): it parses, its jobs need each other in the order test, image, deploy; the deploy is gated
 * and rolled back; every action is pinned to a ref; the only secret is FLY_API_TOKEN; the scripts
 * it runs exist and are executable; the test job runs exactly README's test command.
 */
class WorkflowTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static Map<String, Object> workflow;
  private static String text;

  @BeforeAll
  static void parse() throws Exception {
    text = Files.readString(ROOT.resolve(".github/workflows/ci.yml"));
    workflow = new Yaml().load(text);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> steps(String job) {
    return (List<Map<String, Object>>) job(job).get("steps");
  }

  private static Map<String, Object> job(String name) {
    return map(map(workflow.get("jobs")).get(name));
  }

  private static List<String> needs(String job) {
    Object needs = job(job).get("needs");
    return needs == null
        ? List.of()
        : needs instanceof String one
            ? List.of(one)
            : ((List<?>) needs).stream().map(String::valueOf).toList();
  }

  private static int indexOfStep(String job, String runContains) {
    List<Map<String, Object>> steps = steps(job);
    for (int i = 0; i < steps.size(); i++) {
      if (String.valueOf(steps.get(i).get("run")).contains(runContains)) {
        return i;
      }
    }
    throw new AssertionError(job + " has no step running " + runContains);
  }

  @Test
  @DisplayName(
      "runs on pull requests and on pushes to main; jobs need test -> image -> deploy, and only main deploys")
  void triggersAndOrder() {
    // YAML 1.1 reads a bare `on` key as true
    Map<String, Object> on =
        map(workflow.containsKey("on") ? workflow.get("on") : workflow.get(Boolean.TRUE));
    assertThat(on).containsKeys("pull_request", "push");
    assertThat(map(on.get("push")).get("branches")).isEqualTo(List.of("main"));

    Set<String> jobs = map(workflow.get("jobs")).keySet();
    assertThat(jobs).containsExactlyInAnyOrder("test", "image", "deploy");
    for (String job : jobs) {
      assertThat(jobs).as(job + " needs existing jobs").containsAll(needs(job));
      assertThat(job(job)).as(job + " runs somewhere").containsKey("runs-on");
      assertThat(steps(job)).as(job + " has steps").isNotEmpty();
    }
    assertThat(needs("test")).isEmpty();
    assertThat(needs("image")).containsExactly("test");
    assertThat(needs("deploy")).containsExactly("image");
    assertThat(String.valueOf(job("image").get("if")))
        .contains("github.event_name == 'push'")
        .contains("refs/heads/main");
  }

  @Test
  @DisplayName(
      "the test job has Postgres and Redis services, a Maven cache, the tools the tests use, and runs README's test command")
  void testJob() throws Exception {
    Map<String, Object> services = map(job("test").get("services"));
    assertThat(services).containsKeys("postgres", "redis");
    assertThat(String.valueOf(map(services.get("postgres")).get("options")))
        .contains("--health-cmd");
    assertThat(String.valueOf(map(services.get("redis")).get("options"))).contains("--health-cmd");
    assertThat(map(job("test").get("env"))).containsKeys("TEST_DATABASE_URL", "TEST_REDIS_URL");
    assertThat(steps("test"))
        .anySatisfy(
            step -> {
              assertThat(String.valueOf(step.get("uses"))).startsWith("actions/setup-java@");
              assertThat(map(step.get("with"))).containsEntry("cache", "maven");
            });
    assertThat(steps("test"))
        .anySatisfy(
            step ->
                assertThat(String.valueOf(step.get("run")))
                    .contains("bubblewrap")
                    .contains("prometheus")
                    .contains("prometheus-alertmanager"));

    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher command =
        Pattern.compile("Run every test[\\s\\S]*?```bash\\n([^\\n]+)\\n```").matcher(readme);
    assertThat(command.find()).as("README has a test command").isTrue();
    assertThat(steps("test"))
        .as("the test job runs README's test command")
        .anySatisfy(
            step ->
                assertThat(String.valueOf(step.get("run")).trim())
                    .isEqualTo(command.group(1).trim()));
  }

  @Test
  @DisplayName(
      "deploy remembers the running image, deploys the new one, gates it, and rolls back on failure")
  void deployIsGatedAndRolledBack() throws Exception {
    assertThat(String.valueOf(steps("image").getLast().get("run")))
        .contains("flyctl deploy")
        .contains("--build-only")
        .contains("--push");
    int previous = indexOfStep("deploy", "flyctl machine list");
    int deploy = indexOfStep("deploy", "--image \"${{ needs.image.outputs.image }}\"");
    int gate = indexOfStep("deploy", "infra/deploy/fly-gate.sh");
    int rollback = indexOfStep("deploy", "--image \"${{ steps.previous.outputs.image }}\"");
    assertThat(previous).isLessThan(deploy);
    assertThat(deploy).isLessThan(gate);
    assertThat(gate).isLessThan(rollback);
    assertThat(String.valueOf(steps("deploy").get(rollback).get("if"))).contains("failure()");
    assertThat(map(job("deploy").get("concurrency")).get("cancel-in-progress"))
        .as("a deploy is never cancelled midway")
        .isEqualTo(false);

    for (String script : List.of("infra/deploy/fly-gate.sh", "infra/deploy/health-gate.sh")) {
      assertThat(Files.isExecutable(ROOT.resolve(script))).as(script + " is executable").isTrue();
    }
  }

  @Test
  @DisplayName(
      "every action is pinned to a ref, and FLY_API_TOKEN is the only secret, documented in the runbook")
  void actionsAndSecrets() throws Exception {
    List<String> uses = new ArrayList<>();
    for (String job : map(workflow.get("jobs")).keySet()) {
      steps(job)
          .forEach(
              step -> {
                if (step.containsKey("uses")) {
                  uses.add(String.valueOf(step.get("uses")));
                }
              });
    }
    assertThat(uses)
        .isNotEmpty()
        .allSatisfy(action -> assertThat(action).matches("[\\w.-]+/[\\w./-]+@[\\w.-]+"));

    Set<String> secrets = new HashSet<>();
    Matcher secret = Pattern.compile("\\$\\{\\{\\s*secrets\\.(\\w+)\\s*}}").matcher(text);
    while (secret.find()) {
      secrets.add(secret.group(1));
    }
    assertThat(secrets).containsExactly("FLY_API_TOKEN");
    assertThat(Files.readString(ROOT.resolve("docs/runbook.md"))).contains("FLY_API_TOKEN");
  }
}
