package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infra/prometheus/alerts.yml}, read as text (no YAML parser is on the test classpath): one
 * block per {@code - alert:} entry, in the file's flow style ({@code labels: {severity: ...}}).
 */
class AlertRulesTest {
  private static final Path INFRA = Path.of("..", "infra").toAbsolutePath().normalize();
  private static final Pattern RULE = Pattern.compile("(?m)^\\s*- alert: (\\w+)\\s*$");

  private static Map<String, String> rules() throws Exception {
    String yaml = Files.readString(INFRA.resolve("prometheus/alerts.yml"));
    Map<String, String> rules = new LinkedHashMap<>();
    Matcher m = RULE.matcher(yaml);
    String name = null;
    int from = 0;
    while (m.find()) {
      if (name != null) {
        assertThat(rules.put(name, yaml.substring(from, m.start())))
            .as(name + " is defined once")
            .isNull();
      }
      name = m.group(1);
      from = m.end();
    }
    assertThat(name).as("alerts.yml has rules").isNotNull();
    assertThat(rules.put(name, yaml.substring(from))).as(name + " is defined once").isNull();
    return rules;
  }

  @Test
  @DisplayName("every alert rule has an expr, a page or ticket severity and a summary")
  void everyRuleIsComplete() throws Exception {
    rules()
        .forEach(
            (name, rule) -> {
              assertThat(rule).as(name + " expr").containsPattern("(?m)^\\s*expr: \\S");
              assertThat(rule)
                  .as(name + " severity")
                  .containsPattern("labels: \\{severity: (page|ticket)}");
              assertThat(rule)
                  .as(name + " summary")
                  .containsPattern("annotations: \\{summary: \"[^\"]+\"}");
            });
  }

  @Test
  @DisplayName(
      "Redis above 80% of maxmemory for 10 minutes alerts (redis_exporter), and a Redis without maxmemory does not")
  void redisMemoryAlert() throws Exception {
    String rule = rules().get("RedisMemoryHigh");
    assertThat(rule).as("RedisMemoryHigh exists").isNotNull();
    assertThat(rule)
        .contains("expr: redis_memory_used_bytes / (redis_memory_max_bytes > 0) > 0.8")
        .containsPattern("(?m)^\\s*for: 10m$");
  }

  @Test
  @DisplayName(
      "the alerts ops asked for exist: 5xx above 1% for 5 minutes, DLQ, Redis memory, WebSockets dropping, readiness, voice failover, evaluation failures")
  void requiredAlertsExist() throws Exception {
    Map<String, String> rules = rules();
    assertThat(rules)
        .containsKeys(
            "HighErrorRate",
            "EventsDeadLettered",
            "RedisMemoryHigh",
            "WebSocketsDroppedSharply",
            "ReadinessFailing",
            "VoiceFailoversHigh",
            "EvaluationsFailing");
    assertThat(rules.get("HighErrorRate")).contains("> 0.01").containsPattern("(?m)^\\s*for: 5m$");
    assertThat(rules.get("ReadinessFailing"))
        .contains("probe_success{job=\"interviewroom-ready\"} == 0");
  }

  @Test
  @DisplayName(
      "the budget guard pages when a provider reaches its daily budget, and the dashboard shows cost, budget and guard series")
  void budgetGuardIsAlertedAndCharted() throws Exception {
    Map<String, String> rules = rules();
    assertThat(rules).containsKeys("ProviderBudgetReached", "ProviderBudgetNearlyReached");
    assertThat(rules.get("ProviderBudgetReached"))
        .contains("interviewroom_budget_exhausted")
        .contains("severity: page");
    String dashboard = Files.readString(INFRA.resolve("grafana/dashboard.json"));
    assertThat(dashboard)
        .contains(
            "interviewroom_provider_cost_usd_total",
            "interviewroom_budget_spent_today_usd",
            "interviewroom_budget_daily_usd",
            "interviewroom_budget_exhausted",
            "interviewroom_budget_rerouted_sessions_total",
            "interviewroom_provider_usage_units_total",
            "interviewroom_client_errors_total");
  }

  @Test
  @DisplayName(
      "promtool accepts the rules and their unit tests pass (alerts.test.yml: each new alert fires, and stays quiet when it should)")
  void promtoolChecksAndTestsTheRules() throws Exception {
    assumeTrue(
        onPath("promtool"),
        "promtool is not installed (Debian package prometheus; .ci/run installs it)");
    assertThat(
            run(
                Map.of(),
                "promtool",
                "check",
                "rules",
                INFRA.resolve("prometheus/alerts.yml").toString()))
        .contains("SUCCESS");
    assertThat(
            run(
                Map.of(),
                "promtool",
                "test",
                "rules",
                INFRA.resolve("prometheus/alerts.test.yml").toString()))
        .contains("SUCCESS");
  }

  @Test
  @DisplayName(
      "the Alertmanager config renders from the environment, passes amtool, and routes page to Slack and email, ticket to email")
  void alertmanagerConfig(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("smtp_password"), "smtp-secret\n");
    Files.writeString(
        dir.resolve("slack_webhook_url"), "https://hooks.slack.com/services/T0/B0/secret\n");
    Map<String, String> env =
        Map.of(
            "ALERT_EMAIL_TO",
            "oncall@example.com",
            "ALERT_EMAIL_FROM",
            "alerts@example.com",
            "SMTP_SMARTHOST",
            "smtp.example.com:587",
            "SMTP_USERNAME",
            "alerts",
            "SLACK_CHANNEL",
            "oncall",
            "SECRETS_DIR",
            dir.toString());
    Path config = dir.resolve("alertmanager.yml");
    String script = INFRA.resolve("alertmanager/render.sh").toString();
    run(env, script, config.toString());
    String rendered = Files.readString(config);
    assertThat(rendered)
        .contains("to: 'oncall@example.com'")
        .contains("channel: '#oncall'")
        .contains("{{ .CommonLabels.alertname }}")
        .doesNotContain("${")
        .doesNotContain("smtp-secret")
        .doesNotContain("hooks.slack.com");

    Map<String, String> partial = new java.util.HashMap<>(env);
    partial.remove("SLACK_CHANNEL");
    assertThat(exitOf(partial, script, dir.resolve("other.yml").toString()))
        .as("a missing variable stops rendering")
        .isEqualTo(2);

    assumeTrue(
        onPath("amtool"),
        "amtool is not installed (Debian package prometheus-alertmanager; .ci/run installs it)");
    assertThat(run(Map.of(), "amtool", "check-config", config.toString())).contains("SUCCESS");
    assertThat(
            run(
                Map.of(),
                "amtool",
                "config",
                "routes",
                "test",
                "--config.file=" + config,
                "severity=page"))
        .as("amtool prints the receiver; its stderr (a flag warning) is merged in")
        .containsPattern("(?m)^page$")
        .doesNotContainPattern("(?m)^ticket$");
    assertThat(
            run(
                Map.of(),
                "amtool",
                "config",
                "routes",
                "test",
                "--config.file=" + config,
                "severity=ticket"))
        .containsPattern("(?m)^ticket$")
        .doesNotContainPattern("(?m)^page$");
    assertThat(
            run(
                Map.of(),
                "amtool",
                "config",
                "routes",
                "test",
                "--config.file=" + config,
                "alertname=Other"))
        .containsPattern("(?m)^ticket$")
        .doesNotContainPattern("(?m)^page$");
  }

  private static boolean onPath(String tool) {
    return java.util.Arrays.stream(
            System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  private static int exitOf(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
        .as(String.join(" ", command) + " finishes")
        .isTrue();
    return process.exitValue();
  }

  /**
   * Runs {@code command} with only PATH and {@code env}; its output when it exits 0, a failed
   * assertion otherwise.
   */
  private static String run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    String output =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
        .as(String.join(" ", command) + " finishes")
        .isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + " exits 0:\n" + output).isZero();
    return output;
  }
}
